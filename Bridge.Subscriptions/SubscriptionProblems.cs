using System.Globalization;
using Bridge.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Subscriptions;

/// <summary>The ProblemDetails of the subscriptions API.</summary>
internal static class SubscriptionProblems
{
    public static ProblemHttpResult Exists(string topic, string name) =>
        Problems.Create(StatusCodes.Status409Conflict, "subscription-exists", "Subscription exists",
            $"Topic '{topic}' already has a subscription named '{name}'; choose another name, or change that one with PUT.");

    public static ProblemHttpResult Configured(string topic, string name) =>
        Problems.Create(StatusCodes.Status409Conflict, "subscription-in-configuration", "Subscription defined in configuration",
            $"Subscription '{name}' of topic '{topic}' is defined in configuration (Bridge:Topics:{topic}:Subscriptions:{name}); change it there.");

    public static ProblemHttpResult BeingDeleted(HttpContext http, string topic, string name, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status409Conflict, "subscription-being-deleted", "Subscription being deleted",
            $"Subscription '{name}' of topic '{topic}' was deleted and its deliveries are draining; the name is free again in about {seconds} s.");
    }

    public static ProblemHttpResult FixedTopology(string reason) =>
        Problems.Create(StatusCodes.Status409Conflict, "subscriptions-fixed-by-broker", "Subscriptions cannot be made at run time on this broker", reason);

    public static ProblemHttpResult TooMany(string topic, int limit) =>
        Problems.Create(StatusCodes.Status409Conflict, "too-many-subscriptions", "Too many subscriptions",
            $"Topic '{topic}' has {limit} subscriptions made through the API, the most allowed (Bridge:Subscriptions:MaxPerTopic); delete unused ones first.");

    public static ProblemHttpResult TooManyOwned(string owner, int limit) =>
        Problems.Create(StatusCodes.Status409Conflict, "too-many-subscriptions", "Too many subscriptions",
            $"'{owner}' owns {limit} subscriptions made through the API, the most allowed per identity (Bridge:Subscriptions:MaxPerIdentity); delete unused ones first.");

    public static ProblemHttpResult DestinationNotAllowed(string detail, string field = "url") =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = StatusCodes.Status400BadRequest,
            Type = "urn:bridge:problem:destination-not-allowed",
            Title = "Destination not allowed",
            Detail = "Webhooks may only reach public addresses, or networks the operator allows (Bridge:Webhooks:AllowedNetworks); see errors.",
        });

    public static ProblemHttpResult ChangedConcurrently(string topic, string name) =>
        Problems.Create(StatusCodes.Status409Conflict, "concurrent-change", "Changed concurrently",
            $"Subscription '{name}' of topic '{topic}' was changed by another request at the same time; read it again and retry.");

    public static ProblemHttpResult StoreUnavailable(string what, Exception exception) =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "store-unavailable", "Store unavailable",
            $"The subscription could not be {what}: the store failed ({exception.GetType().Name}). Nothing was changed; retry once the store is back.");

    public static ProblemHttpResult PullNotPausable(string topic, string name) =>
        Problems.Create(StatusCodes.Status409Conflict, "pull-subscription-not-pausable", "A pull subscription is not paused",
            $"Subscription '{name}' of topic '{topic}' is a pull subscription: nothing is delivered to pause, its clients receive when they ask. Stop receiving instead (envelopes wait), or delete it.");

    public static ProblemHttpResult PausesUnavailable() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "subscriber-unavailable", "Subscriber not in this process",
            "Pause and resume are served by a subscriber process; call one.");
}
