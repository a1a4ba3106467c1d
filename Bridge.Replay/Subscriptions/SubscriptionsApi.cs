using Bridge.Messaging;
using Bridge.Security;
using Bridge.Subscriptions;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Replay.Subscriptions;

/// <summary><c>GET /api/subscriptions</c>: every subscription (configured or made through the API) and its dead-letter depth.</summary>
public static class SubscriptionsApi
{
    /// <summary>Maps the subscriptions endpoints.</summary>
    public static RouteGroupBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/subscriptions").WithTags("Subscriptions").RequireAdmin();
        api.MapGet("/", ListSubscriptionsAsync)
            .WithName("ListSubscriptions")
            .WithSummary("List subscriptions")
            .WithDescription("Every subscription of every topic, configured or made through the subscriptions API, with its filter, webhook target, limits, source and dead-letter count.");
        return api;
    }

    /// <summary>Lists subscriptions.</summary>
    public static async Task<Ok<IReadOnlyList<SubscriptionView>>> ListSubscriptionsAsync(
        TopologyCatalog catalog, IDeadLetterQueue deadLetters, UnreadableSecrets unreadable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unreadable);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(deadLetters);
        var views = new List<SubscriptionView>();
        foreach (var s in catalog.Subscriptions.OrderBy(s => s.Address.ToString(), StringComparer.Ordinal))
        {
            var filter = s.Spec.Filter;
            views.Add(new SubscriptionView(
                s.Address.Topic, s.Address.Subscription, filter.Types, filter.Subject, filter.Properties,
                s.Webhook.Url, s.Webhook.MaxAttempts, s.Webhook.Concurrency,
                await deadLetters.CountAsync(s.Address, cancellationToken),
                s.SourceName));
        }
        foreach (var s in unreadable.All.Where(s => catalog.Find(s.Address) is null))
        {
            views.Add(new SubscriptionView(
                s.Address.Topic, s.Address.Subscription, s.Types, s.Subject, s.Properties, s.Url, s.MaxAttempts, s.Concurrency,
                await deadLetters.CountAsync(s.Address, cancellationToken), "api")
            {
                Problem = UnreadableSecrets.Problem,
            });
        }

        return TypedResults.Ok<IReadOnlyList<SubscriptionView>>(views);
    }
}
