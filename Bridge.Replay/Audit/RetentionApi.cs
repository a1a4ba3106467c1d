using Bridge.Security;
using Bridge.Store.Retention;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Bridge.Replay.Audit;

/// <summary><c>GET /api/retention</c>: how long the store keeps the audit trail (<c>Bridge:Store:Retention</c>).</summary>
public static class RetentionApi
{
    /// <summary>Maps <c>/api/retention</c>.</summary>
    public static RouteGroupBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/retention").WithTags("Audit").RequireAdmin();
        api.MapGet("/", GetRetention)
            .WithName("GetRetention")
            .WithSummary("Get how long the audit trail is kept")
            .WithDescription("The retention periods of the store (Bridge:Store:Retention), as d.hh:mm:ss: accepted events, attempts and deliveries "
                + "('events', or their topic's period in 'topics'), and the records of dead letters and their replays ('deadLetters'). Older rows are "
                + "removed every 'interval' by the processes with retention on; a pruned dead letter stays in the broker's dead-letter queue, replayable.");
        return api;
    }

    /// <summary>The retention periods.</summary>
    public static Ok<RetentionView> GetRetention(IOptions<RetentionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TypedResults.Ok(RetentionView.From(options.Value));
    }
}

/// <summary>How long the store keeps what.</summary>
/// <param name="Events">How long accepted events, their attempts and deliveries are kept.</param>
/// <param name="Topics">Topics with a period of their own instead of <paramref name="Events"/>.</param>
/// <param name="DeadLetters">How long the records of dead letters and replays are kept (the envelopes stay in the dead-letter queue).</param>
/// <param name="Interval">How often the store is pruned.</param>
/// <param name="Enabled">Whether this process prunes.</param>
public sealed record RetentionView(TimeSpan Events, IReadOnlyDictionary<string, TimeSpan> Topics, TimeSpan DeadLetters, TimeSpan Interval, bool Enabled)
{
    /// <summary>The view of <paramref name="options"/>.</summary>
    public static RetentionView From(RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RetentionView(
            options.Events, new SortedDictionary<string, TimeSpan>(options.Topics, StringComparer.Ordinal), options.DeadLetters, options.Interval, options.Enabled);
    }
}
