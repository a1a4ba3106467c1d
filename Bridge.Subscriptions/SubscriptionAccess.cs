using System.Security.Claims;
using System.Threading.RateLimiting;
using Bridge.Security;
using Bridge.Store.Subscriptions;
using Microsoft.AspNetCore.RateLimiting;

namespace Bridge.Subscriptions;

/// <summary>
/// Who may see and manage which subscription: an API-made subscription belongs to the identity (publisher) that created
/// it; a subscribe key sees and manages only its own; an admin sees and manages every one; a configured subscription is
/// read-only through the API (and visible to admins only).
/// </summary>
/// <param name="Id">The caller's identity, the publisher its key belongs to.</param>
/// <param name="Admin">Whether it holds the <c>admin</c> scope.</param>
internal sealed record SubscriptionCaller(string Id, bool Admin)
{
    /// <summary>The rate-limit policy of subscription creation, per identity.</summary>
    public const string CreationRateLimit = "bridge:subscription-creation";

    public static SubscriptionCaller Of(ClaimsPrincipal user) =>
        new(BridgeClaims.PublisherOf(user) is { Length: > 0 } id ? id : "anonymous", BridgeClaims.ScopesOf(user).Contains("admin"));

    /// <summary>The owner a change is restricted to: null (any) for an admin.</summary>
    public string? OwnerFilter => Admin ? null : Id;

    /// <summary>Whether the caller may see and manage <paramref name="record"/>.</summary>
    public bool Owns(SubscriptionRecord record) => Admin || string.Equals(record.CreatedBy, Id, StringComparison.Ordinal);

    /// <summary>A token bucket per identity over the create route: <see cref="SubscriptionsOptions.CreationsPerMinute"/>.</summary>
    public static void AddCreationRateLimit(RateLimiterOptions options, int perMinute) =>
        options.AddPolicy(CreationRateLimit, context => RateLimitPartition.GetTokenBucketLimiter(
            "create/" + (BridgeClaims.PublisherOf(context.User) is { Length: > 0 } id ? id : "anonymous"),
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = perMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
}
