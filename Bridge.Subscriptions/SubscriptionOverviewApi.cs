using Bridge.Security;
using Bridge.Topology;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Subscriptions;

/// <summary>
/// <c>GET /api/subscriptions</c> (admin): every subscription of every topic, configured or made through
/// <see cref="SubscriptionManagementApi"/>, in the same representation as <c>GET /api/topics/{topic}/subscriptions</c>
/// plus the dead letters waiting in each one's dead-letter queue and its backlog (counted by <see cref="SubscriptionBacklogs"/>,
/// each count kept a couple of seconds). Mapped by the process that owns the dead letters.
/// </summary>
public static class SubscriptionOverviewApi
{
    /// <summary>Maps the overview.</summary>
    public static RouteGroupBuilder MapSubscriptionOverviewApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/subscriptions").WithTags("Subscriptions").RequireAdmin();
        api.MapGet("/", ListAllAsync)
            .WithName("ListSubscriptions")
            .WithSummary("List every subscription")
            .WithDescription("Every subscription of every topic, configured or made through the subscriptions API, by topic and name, each with its dead-letter count and its backlog: envelopes pending, held for later, in flight and dead-lettered. The items are those of GET /api/topics/{topic}/subscriptions.");
        return api;
    }

    internal static async Task<Ok<SubscriptionList>> ListAllAsync(
        SubscriptionBacklogs backlogs, HttpContext http, [AsParameters] SubscriptionServices services)
    {
        // The route requires an admin, who sees every subscription: the per-topic list across all topics.
        var items = new List<SubscriptionResource>();
        foreach (var s in await SubscriptionManagementApi.VisibleAsync(SubscriptionCaller.Of(http.User), null, services, http.RequestAborted))
        {
            var backlog = await backlogs.CountAsync(new SubscriptionAddress(s.Topic, s.Name), http.RequestAborted);
            items.Add(s with { DeadLetterCount = backlog.DeadLettered, Backlog = backlog });
        }
        return TypedResults.Ok(new SubscriptionList(items));
    }
}
