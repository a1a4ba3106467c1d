using Bridge.Hosting;
using Bridge.Messaging;
using Bridge.Replay.Replaying;
using Bridge.Store;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay;

/// <summary>Dead letters of a subscription: list, inspect, replay one, replay all.</summary>
public static class DeadLettersApi
{
    /// <summary>Maps <c>/api/topics/{topic}/subscriptions/{subscription}/dead-letters</c>.</summary>
    public static RouteGroupBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/topics/{topic}/subscriptions/{subscription}/dead-letters").WithTags("Dead letters");

        api.MapGet("/", ListAsync)
            .WithName("ListDeadLetters")
            .WithSummary("List dead letters")
            .WithDescription("Dead letters of the subscription, oldest first, with reason, attempts and time. Page with 'after' (the 'next' of the previous page).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{messageId}", GetAsync)
            .WithName("GetDeadLetter")
            .WithSummary("Get a dead letter")
            .WithDescription("The dead letter, its full envelope and every delivery attempt for this subscription.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{messageId}/replay", ReplayOneAsync)
            .WithName("ReplayDeadLetter")
            .WithSummary("Replay a dead letter")
            .WithDescription("Sends the dead letter back into its subscription as a fresh delivery. The replay is recorded.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/replay", ReplayAllAsync)
            .WithName("ReplayAllDeadLetters")
            .WithSummary("Replay every dead letter")
            .WithDescription("Sends every dead letter of the subscription back into it. Each replay is recorded.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    /// <summary>Lists dead letters.</summary>
    public static async Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> ListAsync(
        string topic, string subscription, [AsParameters] DeadLetterServices services, long? after, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Find(topic, subscription) is not { } address)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        var size = Math.Clamp(limit ?? 100, 1, 1000);
        var page = await services.DeadLetters.ListAsync(address, after ?? 0, size, cancellationToken);
        return TypedResults.Ok(new DeadLetterPage(
            [.. page.Select(DeadLetterSummary.From)],
            page.Count == size ? page[^1].SequenceNumber : null));
    }

    /// <summary>Gets one dead letter with its attempts.</summary>
    public static async Task<Results<Ok<DeadLetterDetail>, ProblemHttpResult>> GetAsync(
        string topic, string subscription, string messageId, [AsParameters] DeadLetterServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Find(topic, subscription) is not { } address)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        var deadLetter = await services.DeadLetters.GetAsync(address, messageId, cancellationToken);
        if (deadLetter is null)
        {
            return Problems.DeadLetterNotFound(messageId);
        }

        var attempts = await AttemptsApi.LoadAsync(services.Contexts, messageId, address, cancellationToken);
        return TypedResults.Ok(DeadLetterDetail.From(deadLetter, attempts));
    }

    /// <summary>Replays one dead letter.</summary>
    public static async Task<Results<Accepted<ReplayResult>, ProblemHttpResult>> ReplayOneAsync(
        string topic, string subscription, string messageId, HttpContext context, [AsParameters] DeadLetterServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (services.Find(topic, subscription) is not { } address)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        var replayed = await services.Replayer.ReplayAsync(address, [messageId], RequestedBy(context), CancellationToken.None);
        return replayed.Count == 0
            ? Problems.DeadLetterNotFound(messageId)
            : TypedResults.Accepted((string?)null, new ReplayResult(replayed.Count, replayed));
    }

    /// <summary>Replays every dead letter of the subscription.</summary>
    public static async Task<Results<Accepted<ReplayResult>, ProblemHttpResult>> ReplayAllAsync(
        string topic, string subscription, HttpContext context, [AsParameters] DeadLetterServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (services.Find(topic, subscription) is not { } address)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        var count = await services.Replayer.ReplayAllAsync(address, RequestedBy(context), CancellationToken.None);
        return TypedResults.Accepted((string?)null, new ReplayResult(count, []));
    }

    private static string RequestedBy(HttpContext context) => context.User.Identity?.Name ?? "anonymous";
}

/// <summary>What the dead-letter endpoints need.</summary>
public sealed record DeadLetterServices(TopologyCatalog Catalog, IDeadLetterQueue DeadLetters, Replayer Replayer, IDbContextFactory<BridgeDbContext> Contexts)
{
    internal SubscriptionAddress? Find(string topic, string subscription)
    {
        var address = new SubscriptionAddress(topic, subscription);
        return Catalog.Find(address) is null ? null : address;
    }
}
