using Bridge.Security;
using Bridge.Store;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.Audit;

/// <summary><c>GET /api/messages/{messageId}/attempts</c>: the delivery timeline of one envelope across subscriptions.</summary>
public static class AttemptsApi
{
    /// <summary>Maps the attempts endpoints.</summary>
    public static RouteGroupBuilder MapAttemptsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/messages").WithTags("Attempts").RequireAdmin();
        api.MapGet("/{messageId}/attempts", ListAttemptsAsync)
            .WithName("ListAttempts")
            .WithSummary("List the delivery attempts of an envelope")
            .WithDescription("Every attempt to deliver the envelope, to every subscription, oldest first: status, latency, error and response excerpt.");
        return api;
    }

    /// <summary>Lists attempts of one message.</summary>
    public static async Task<Ok<IReadOnlyList<AttemptView>>> ListAttemptsAsync(string messageId, IDbContextFactory<BridgeDbContext> contexts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await LoadAsync(contexts, messageId, null, cancellationToken));

    /// <summary>Loads attempts of a message, optionally for one subscription.</summary>
    internal static async Task<IReadOnlyList<AttemptView>> LoadAsync(IDbContextFactory<BridgeDbContext> contexts, string messageId, Topology.SubscriptionAddress? address, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.DeliveryAttempts.AsNoTracking().Where(a => a.MessageId == messageId);
        if (address is { } a)
        {
            query = query.Where(x => x.Topic == a.Topic && x.Subscription == a.Subscription);
        }
        var attempts = await query.OrderBy(x => x.StartedAt).ThenBy(x => x.Id).ToListAsync(cancellationToken);
        return [.. attempts.Select(AttemptView.From)];
    }
}
