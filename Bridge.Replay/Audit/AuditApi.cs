using Bridge.Http;
using Bridge.Security;
using Bridge.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.Audit;

/// <summary>
/// The audit trail: <c>GET /api/events</c> (search), <c>GET /api/events/{messageId}</c> (an event and its deliveries)
/// and <c>GET /api/events/{messageId}/timeline</c> (everything that happened to it). Records are written in the
/// background, so a moment may pass before the latest shows.
/// </summary>
public static class AuditApi
{
    /// <summary>Maps <c>/api/events</c>.</summary>
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/events").WithTags("Audit").RequireAdmin();

        api.MapGet("/", SearchEventsAsync)
            .WithName("SearchEvents")
            .WithSummary("Search accepted events")
            .WithDescription("Events the publisher accepted, newest first (by the order they were recorded), filtered by correlation id, topic, "
                + "type and acceptance time (from inclusive, to exclusive). Page with 'after' (the 'next' of the previous page; absent on the last page).")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        api.MapGet("/{messageId}", GetEventAsync)
            .WithName("GetEvent")
            .WithSummary("Get an event and its deliveries")
            .WithDescription("The event's attributes, its envelope as JSON (when Bridge:Store:Audit:KeepPayload is on) and its delivery to each "
                + "subscription: status, attempts, latest status code and error. An id published more than once shows its first acceptance.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{messageId}/timeline", GetTimelineAsync)
            .WithName("GetEventTimeline")
            .WithSummary("Get the timeline of an event")
            .WithDescription("Everything that happened to the envelope, oldest first, as entries of one kind each: 'accepted', 'attempt' (every "
                + "subscription; outcome Delivered, Failed, Rejected, Cancelled or Duplicate), 'deadLettered' and 'replayed'. Times are to the "
                + "millisecond; within one the order is causal. A replay is shown no later than the first attempt it led to.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    /// <summary>Searches events.</summary>
    public static async Task<Results<Ok<EventPage>, ProblemHttpResult>> SearchEventsAsync(
        [AsParameters] EventSearchQuery query, [AsParameters] AuditServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(services);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (query.Parse(errors) is not { } filter)
        {
            return Problems.InvalidQuery(errors);
        }

        await using var db = await services.Contexts.CreateDbContextAsync(cancellationToken);
        var found = await filter.Apply(db.Events.AsNoTracking()).ToListAsync(cancellationToken);
        var page = found.Take(filter.Limit).ToList();
        return TypedResults.Ok(new EventPage(
            [.. page.Select(EventSummary.From)],
            found.Count > filter.Limit ? page[^1].Id : null));
    }

    /// <summary>Gets one event with its deliveries.</summary>
    public static async Task<Results<Ok<EventDetail>, ProblemHttpResult>> GetEventAsync(
        string messageId, [AsParameters] AuditServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Contexts.CreateDbContextAsync(cancellationToken);
        var recorded = await db.Events.AsNoTracking()
            .Where(e => e.MessageId == messageId)
            .OrderBy(e => e.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (recorded is null)
        {
            return Problems.EventNotFound(messageId);
        }

        return TypedResults.Ok(EventDetail.From(recorded, await DeliveriesAsync(db, messageId, cancellationToken)));
    }

    /// <summary>Gets the timeline of one envelope.</summary>
    public static async Task<Results<Ok<EventTimeline>, ProblemHttpResult>> GetTimelineAsync(
        string messageId, [AsParameters] AuditServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = await services.Contexts.CreateDbContextAsync(cancellationToken);
        var entries = await AuditTimeline.LoadAsync(db, messageId, cancellationToken);
        return entries.Count == 0
            ? Problems.EventNotFound(messageId)
            : TypedResults.Ok(new EventTimeline(messageId, entries));
    }

    /// <summary>
    /// The deliveries of an envelope. Their unique key leads with topic and subscription, so the subscriptions are taken
    /// from the envelope's attempts and dead letters (indexed by message id) first.
    /// </summary>
    private static async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(BridgeDbContext db, string messageId, CancellationToken cancellationToken)
    {
        var attempted = await db.DeliveryAttempts.AsNoTracking().Where(a => a.MessageId == messageId)
            .Select(a => new { a.Topic, a.Subscription }).Distinct().ToListAsync(cancellationToken);
        var deadLettered = await db.DeadLetters.AsNoTracking().Where(d => d.MessageId == messageId)
            .Select(d => new { d.Topic, d.Subscription }).Distinct().ToListAsync(cancellationToken);
        var topics = attempted.Concat(deadLettered).Select(s => s.Topic).Distinct(StringComparer.Ordinal).ToList();
        var subscriptions = attempted.Concat(deadLettered).Select(s => s.Subscription).Distinct(StringComparer.Ordinal).ToList();
        if (topics.Count == 0)
        {
            return [];
        }

        var deliveries = await db.Deliveries.AsNoTracking()
            .Where(d => topics.Contains(d.Topic) && subscriptions.Contains(d.Subscription) && d.MessageId == messageId)
            .OrderBy(d => d.Topic).ThenBy(d => d.Subscription)
            .ToListAsync(cancellationToken);
        return [.. deliveries.Select(DeliveryView.From)];
    }
}

/// <summary>What the audit endpoints need.</summary>
public sealed record AuditServices(IDbContextFactory<BridgeDbContext> Contexts);
