using Bridge.Http;
using Bridge.Messaging;
using Bridge.Replay.Audit;
using Bridge.Security;
using Bridge.Store;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.DeadLetters;

/// <summary>Dead letters of a subscription: list with filters, inspect, replay one or all, purge one or by filter.</summary>
public static class DeadLettersApi
{
    /// <summary>Largest page of dead letters.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Maps <c>/api/topics/{topic}/subscriptions/{subscription}/dead-letters</c>.</summary>
    public static RouteGroupBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/topics/{topic}/subscriptions/{subscription}/dead-letters").WithTags("Dead letters").RequireAdmin();

        api.MapGet("/", ListAsync)
            .WithName("ListDeadLetters")
            .WithSummary("List dead letters")
            .WithDescription("Dead letters of the subscription, oldest first, with reason, attempts and time; optionally only those with a reason, "
                + "an event type or dead-lettered within [from, to]. Page with 'after' (the 'next' of the previous page; null on the last page).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{messageId}", GetAsync)
            .WithName("GetDeadLetter")
            .WithSummary("Get a dead letter")
            .WithDescription("The dead letter, its full envelope and every delivery attempt for this subscription.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/{messageId}", PurgeOneAsync)
            .WithName("PurgeDeadLetter")
            .WithSummary("Purge a dead letter")
            .WithDescription("Removes the dead letter without replaying it. The purge is audited: the dead letter's record is marked purged, by whom and when.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/purge", PurgeAsync)
            .WithName("PurgeDeadLetters")
            .WithSummary("Purge dead letters by filter")
            .WithRequestExample(""" { "reason": "WebhookRejected", "type": "order.created", "from": "2025-06-14T00:00:00Z", "to": "2025-06-15T00:00:00Z" } """)
            .WithDescription("Removes, without replay, the dead letters the filter takes (reason, type, from, to, messageIds) that were dead-lettered "
                + "before the call. An empty filter purges everything and must say so with \"all\": true. Audited like a single purge.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{messageId}/replay", ReplayOneAsync)
            .WithName("ReplayDeadLetter")
            .WithSummary("Replay a dead letter")
            .WithDescription("Sends the dead letter back into its subscription as a fresh delivery with the same envelope id. The replay is recorded.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/replay", ReplayAllAsync)
            .WithName("ReplayAllDeadLetters")
            .WithSummary("Replay every dead letter")
            .WithDescription("Sends every dead letter of the subscription back into it, at once. Each replay is recorded. For a filtered, paced replay with progress, create a replay job.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    /// <summary>Lists dead letters.</summary>
    public static async Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> ListAsync(
        string topic, string subscription, [AsParameters] DeadLetterQuery query, [AsParameters] DeadLetterServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(services);
        if (services.Find(topic, subscription) is not { } address)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var selection = new DeadLetterFilter(query.Reason, query.Type, query.From, query.To).Validate(errors);
        var size = query.Limit ?? 100;
        if (size is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"'limit' must be between 1 and {MaxPageSize} (was {size})."];
        }
        if (errors.Count > 0)
        {
            return ReplayProblems.Invalid(errors);
        }

        var items = new List<DeadLetterSummary>(Math.Min(size, 100));
        long? next = null;
        await foreach (var deadLetter in services.Scanner.ScanAsync(address, selection, query.After ?? 0, cancellationToken))
        {
            if (items.Count == size)
            {
                next = items[^1].SequenceNumber;
                break;
            }
            items.Add(DeadLetterSummary.From(deadLetter));
        }
        return TypedResults.Ok(new DeadLetterPage(items, next));
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

    /// <summary>Purges one dead letter.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> PurgeOneAsync(
        string topic, string subscription, string messageId, HttpContext context, [AsParameters] DeadLetterServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (services.Find(topic, subscription) is not { } address)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        var purged = await services.Purger.PurgeAsync(address, [messageId], Requester.Of(context), CancellationToken.None);
        return purged.Count == 0 ? Problems.DeadLetterNotFound(messageId) : TypedResults.NoContent();
    }

    /// <summary>Purges the dead letters a filter takes.</summary>
    public static async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeAsync(
        string topic, string subscription, DeadLetterFilter filter, HttpContext context, [AsParameters] DeadLetterServices services)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (services.Find(topic, subscription) is not { } address)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var selection = filter.Validate(errors);
        if (selection.IsEmpty && !filter.All)
        {
            errors["all"] = ["An empty filter purges every dead letter of the subscription: send \"all\": true to confirm."];
        }
        else if (!selection.IsEmpty && filter.All)
        {
            errors["all"] = ["\"all\": true purges every dead letter and cannot be combined with reason, type, from, to or messageIds."];
        }
        if (errors.Count > 0)
        {
            return ReplayProblems.Invalid(errors);
        }

        var purged = await services.Purger.PurgeMatchingAsync(address, selection, Requester.Of(context), CancellationToken.None);
        return TypedResults.Ok(new PurgeResult(purged));
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

        var replayed = await services.Replayer.ReplayAsync(address, [messageId], Requester.Of(context), CancellationToken.None);
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

        var count = await services.Replayer.ReplayAllAsync(address, Requester.Of(context), CancellationToken.None);
        return TypedResults.Accepted((string?)null, new ReplayResult(count, []));
    }
}

/// <summary>The query of a dead-letter list.</summary>
/// <param name="Reason">Only this dead-letter reason.</param>
/// <param name="Type">Only this CloudEvent type.</param>
/// <param name="From">Only dead letters dead-lettered at or after this time.</param>
/// <param name="To">Only dead letters dead-lettered at or before this time.</param>
/// <param name="After">The <c>next</c> of the previous page.</param>
/// <param name="Limit">Page size, 1 to 1000 (default 100).</param>
public sealed record DeadLetterQuery(string? Reason, string? Type, DateTimeOffset? From, DateTimeOffset? To, long? After, int? Limit);

/// <summary>What the dead-letter endpoints need.</summary>
public sealed record DeadLetterServices(
    TopologyCatalog Catalog, IDeadLetterQueue DeadLetters, DeadLetterScanner Scanner, Replayer Replayer, DeadLetterPurger Purger, IDbContextFactory<BridgeDbContext> Contexts)
{
    internal SubscriptionAddress? Find(string topic, string subscription)
    {
        var address = new SubscriptionAddress(topic, subscription);
        return Catalog.Find(address) is null ? null : address;
    }
}
