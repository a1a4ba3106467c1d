using System.ComponentModel.DataAnnotations;
using Bridge.Http;
using Bridge.Security;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// Webhook endpoints of the subscriptions: circuit state, pause, probe; pause and resume by hand
/// (<c>/api/endpoints</c>, <c>/api/topics/{topic}/subscriptions/{subscription}/endpoint</c>).
/// </summary>
public static class EndpointsApi
{
    /// <summary>Maps the endpoint routes.</summary>
    public static IEndpointRouteBuilder MapEndpointsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/endpoints", List)
            .RequireAdmin()
            .WithTags("Endpoints")
            .WithName("ListEndpoints")
            .WithSummary("List webhook endpoints")
            .WithDescription("The webhook endpoint of every subscription: circuit state, pause, failed calls in a row, next probe and limits.");

        var api = app.MapGroup("/api/topics/{topic}/subscriptions/{subscription}/endpoint").WithTags("Endpoints").RequireAdmin();
        api.MapGet("/", Get)
            .WithName("GetEndpoint")
            .WithSummary("Get a webhook endpoint")
            .WithDescription("Circuit state, pause, failed calls in a row, next probe and limits of the subscription's webhook endpoint.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/pause", PauseAsync)
            .WithName("PauseEndpoint")
            .WithRequestExample(""" { "reason": "Warehouse API maintenance until 14:00 UTC" } """)
            .WithSummary("Pause a webhook endpoint")
            .WithDescription("Stops delivering to the endpoint: its envelopes wait in the subscription (they are not dead-lettered, no attempt is spent) until it is resumed. No probe is made while paused by hand.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/resume", ResumeAsync)
            .WithName("ResumeEndpoint")
            .WithSummary("Resume a webhook endpoint")
            .WithDescription("Ends a pause (by hand or automatic) and closes the circuit: the waiting envelopes are delivered, in order per ordering key.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>Lists every endpoint.</summary>
    internal static Ok<IReadOnlyList<EndpointView>> List([AsParameters] EndpointServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return TypedResults.Ok<IReadOnlyList<EndpointView>>([.. services.Registry.All
            .OrderBy(g => g.Definition.Address.ToString(), StringComparer.Ordinal)
            .Select(EndpointView.From)]);
    }

    /// <summary>Gets one endpoint.</summary>
    internal static Results<Ok<EndpointView>, ProblemHttpResult> Get(string topic, string subscription, [AsParameters] EndpointServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.Registry.Find(new SubscriptionAddress(topic, subscription)) is { } guard
            ? TypedResults.Ok(EndpointView.From(guard))
            : Problems.UnknownSubscription(topic, subscription);
    }

    /// <summary>Pauses an endpoint.</summary>
    internal static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> PauseAsync(
        string topic, string subscription, PauseRequest? request, HttpContext context, [AsParameters] EndpointServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (services.Registry.Find(new SubscriptionAddress(topic, subscription)) is not { } guard)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        if (request?.Reason is { Length: > 512 })
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "invalid-request", "Invalid request", "reason must be at most 512 characters.");
        }

        try
        {
            await services.Pauses.PauseAsync(guard, RequestedBy(context), request?.Reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return NotStored("paused", ex);
        }

        return TypedResults.Ok(EndpointView.From(guard));
    }

    /// <summary>Resumes an endpoint.</summary>
    internal static async Task<Results<Ok<EndpointView>, ProblemHttpResult>> ResumeAsync(
        string topic, string subscription, HttpContext context, [AsParameters] EndpointServices services)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(services);
        if (services.Registry.Find(new SubscriptionAddress(topic, subscription)) is not { } guard)
        {
            return Problems.UnknownSubscription(topic, subscription);
        }

        try
        {
            await services.Pauses.ResumeAsync(guard, RequestedBy(context));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return NotStored("resumed", ex);
        }

        return TypedResults.Ok(EndpointView.From(guard));
    }

    private static ProblemHttpResult NotStored(string state, Exception exception) =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "store-unavailable", "Store unavailable",
            $"The endpoint is {state} in this subscriber process, but the store could not keep it ({exception.GetType().Name}), so other "
            + "processes do not see it and a restart forgets it; retry once the store is back.");

    private static string RequestedBy(HttpContext context) => context.User.Identity?.Name ?? "anonymous";
}

/// <summary>Why an endpoint is paused (optional body of a pause).</summary>
/// <param name="Reason">Shown with the pause, at most 512 characters.</param>
public sealed record PauseRequest([property: MaxLength(512)] string? Reason);

/// <summary>A webhook endpoint as the operations API shows it.</summary>
/// <param name="Topic">Topic of the subscription.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="Url">The webhook URL.</param>
/// <param name="Circuit">closed, half-open, open or isolated.</param>
/// <param name="Paused">True while paused.</param>
/// <param name="PauseMode">manual or automatic, while paused.</param>
/// <param name="PausedAt">When the pause began.</param>
/// <param name="PausedBy">Who paused it (<c>bridge</c> when automatic).</param>
/// <param name="PauseReason">Why.</param>
/// <param name="ConsecutiveFailures">Failed calls in a row.</param>
/// <param name="NextProbeAt">When one envelope next probes the endpoint, while it is held.</param>
/// <param name="Concurrency">Calls in flight at most.</param>
/// <param name="InFlight">Calls running now (in the process answering).</param>
/// <param name="RateLimitPerSecond">Calls started per second at most, if limited.</param>
public sealed record EndpointView(
    string Topic,
    string Subscription,
    Uri Url,
    string Circuit,
    bool Paused,
    string? PauseMode,
    DateTimeOffset? PausedAt,
    string? PausedBy,
    string? PauseReason,
    int ConsecutiveFailures,
    DateTimeOffset? NextProbeAt,
    int Concurrency,
    int? RateLimitPerSecond,
    int InFlight = 0)
{
    internal static EndpointView From(EndpointGuard guard)
    {
        var pause = guard.Pause;
        var definition = guard.Definition;
        return new EndpointView(
            definition.Address.Topic, definition.Address.Subscription, definition.PushTarget.Url,
            guard.Circuit switch
            {
                Polly.CircuitBreaker.CircuitState.Closed => "closed",
                Polly.CircuitBreaker.CircuitState.HalfOpen => "half-open",
                Polly.CircuitBreaker.CircuitState.Open => "open",
                _ => "isolated",
            },
            pause is not null, pause?.ModeName, pause?.Since, pause?.By, pause?.Reason,
            guard.ConsecutiveFailures, guard.NextProbeAt,
            definition.PushTarget.Concurrency, definition.PushTarget.Protection.RateLimitPerSecond, guard.InFlight);
    }
}

/// <summary>What the endpoint routes need.</summary>
internal sealed record EndpointServices(EndpointRegistry Registry, EndpointPauses Pauses);
