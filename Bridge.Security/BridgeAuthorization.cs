using System.Globalization;
using System.Threading.RateLimiting;
using Bridge.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Security;

/// <summary>
/// Who may call what: the <c>admin</c> scope for operations, <c>publish:{topic}</c> (or <c>publish:*</c>) to publish,
/// <c>subscribe:{topic}</c> (or <c>subscribe:*</c>) to manage the webhook subscriptions of a topic. <c>admin</c> holds both.
/// </summary>
public static class BridgePolicies
{
    /// <summary>Operations: replay, dead letters, audit, endpoints, publishers, contracts, transforms.</summary>
    public const string Admin = "bridge:admin";

    /// <summary>Publishing to the route's <c>{topic}</c>.</summary>
    public const string Publish = "bridge:publish";

    /// <summary>Managing the webhook subscriptions of the route's <c>{topic}</c>.</summary>
    public const string Subscribe = "bridge:subscribe";

    /// <summary>Any valid credential, whatever its scopes.</summary>
    public const string Authenticated = "bridge:authenticated";

    /// <summary>The per-publisher rate limit of the publish endpoints.</summary>
    public const string PublisherRateLimit = "bridge:publisher-rate";

    /// <summary>Requires the <c>admin</c> scope on every endpoint of the group.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Admin);

    /// <summary>Requires <c>publish:{topic}</c> and applies the caller's rate limit on every endpoint of the group.</summary>
    public static TBuilder RequirePublishScope<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Publish).RequireRateLimiting(PublisherRateLimit).WithMetadata(PublishRoute.Instance);

    /// <summary>Requires <c>subscribe:{topic}</c> (or <c>subscribe:*</c>, or <c>admin</c>) on every endpoint of the group.</summary>
    public static TBuilder RequireSubscribeScope<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Subscribe);

    /// <summary>Requires a valid credential, whatever its scopes.</summary>
    public static TBuilder RequireCredential<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Authenticated);

    /// <summary>Whether <paramref name="scopes"/> allow <paramref name="action"/> (<c>publish</c> or <c>subscribe</c>) on <paramref name="topic"/>.</summary>
    public static bool Allows(IReadOnlySet<string> scopes, string action, string topic)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return scopes.Contains($"{action}:{topic}") || scopes.Contains(action + ":*") || (action == "subscribe" && scopes.Contains("admin"));
    }

    /// <summary>
    /// Counts a refused request to a publish route as <c>bridge.requests.refused</c>, tagged with the caller's publisher
    /// and <paramref name="reason"/> (what <c>publishRefusals</c> alert rules watch); refusals elsewhere — a console tab
    /// whose session ended, an admin call without the scope — are not a publisher's.
    /// </summary>
    public static void CountRefusal(HttpContext context, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint()?.Metadata.GetMetadata<PublishRoute>() is not null)
        {
            BridgeTelemetry.RequestsRefused.Add(1, new("publisher", context.User.FindFirst(BridgeClaims.PublisherId)?.Value ?? BridgeClaims.Anonymous), new("reason", reason));
        }
    }

    internal static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Admin, p => p.AddAuthenticationSchemes(BridgeAuthentication.Scheme).RequireAuthenticatedUser().AddRequirements(new ScopeRequirement("admin")));
        options.AddPolicy(Publish, p => p.AddAuthenticationSchemes(BridgeAuthentication.Scheme).RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(null)));
        options.AddPolicy(Subscribe, p => p.AddAuthenticationSchemes(BridgeAuthentication.Scheme).RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(null, "subscribe")));
        options.AddPolicy(Authenticated, p => p.AddAuthenticationSchemes(BridgeAuthentication.Scheme).RequireAuthenticatedUser());
    }

    internal static void AddRateLimit(RateLimiterOptions options, RateLimitOptions defaults)
    {
        options.AddPolicy(PublisherRateLimit, context =>
        {
            var publisher = context.User.FindFirst(BridgeClaims.PublisherId)?.Value ?? BridgeClaims.Anonymous;
            var own = int.TryParse(context.User.FindFirst(BridgeAuthentication.RateClaim)?.Value, CultureInfo.InvariantCulture, out var rate) ? rate : (int?)null;
            var perSecond = own ?? defaults.PermitsPerSecond;
            var burst = own is { } limit ? Math.Max(1, limit * 2) : defaults.Burst;
            return RateLimitPartition.GetTokenBucketLimiter($"{publisher}/{perSecond}/{burst}", _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = async (rejected, _) =>
        {
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
            retryAfter = Math.Max(1, retryAfter);
            var http = rejected.HttpContext;
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            var publisher = http.User.FindFirst(BridgeClaims.PublisherId)?.Value ?? BridgeClaims.Anonymous;
            CountRefusal(http, "rate_limit");
            await SecurityProblems.RateLimited(publisher, retryAfter).ExecuteAsync(http);
        };
    }
}

/// <summary>A scope the caller must hold; null means <c>{action}:{topic}</c> of the route.</summary>
internal sealed class ScopeRequirement(string? scope, string action = "publish") : IAuthorizationRequirement
{
    public string? Scope { get; } = scope;

    public string Action { get; } = action;
}

/// <summary>Checks <see cref="ScopeRequirement"/>, naming the missing scope when it fails.</summary>
internal sealed class ScopeHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var topic = (context.Resource as HttpContext)?.GetRouteValue("topic") as string ?? "";
        var needed = requirement.Scope ?? $"{requirement.Action}:{topic}";
        var held = BridgeClaims.ScopesOf(context.User);
        if (requirement.Scope is null ? BridgePolicies.Allows(held, requirement.Action, topic) : held.Contains(needed))
        {
            context.Succeed(requirement);
        }
        else if (context.User.Identity?.IsAuthenticated == true)
        {
            var publisher = context.User.FindFirst(BridgeClaims.PublisherId)?.Value;
            context.Fail(new AuthorizationFailureReason(this, $"Publisher '{publisher}' lacks the scope '{needed}'."));
        }
        return Task.CompletedTask;
    }
}

/// <summary>Answers a failed authentication with a 401 and a refused authorization with a 403, both as ProblemDetails.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            BridgePolicies.CountRefusal(context, "authentication");
            context.Response.Headers.WWWAuthenticate = context.Items.ContainsKey(BridgeAuthentication.FailureItem)
                ? "Bearer realm=\"bridge\", error=\"invalid_token\""
                : "Bearer realm=\"bridge\"";
            var detail = context.Items[BridgeAuthentication.FailureItem] as string
                ?? "Send an API key as 'Authorization: Bearer <key>', or sign the request (Bridge-Key-Id, Bridge-Timestamp, Bridge-Signature).";
            await SecurityProblems.Unauthenticated(detail).ExecuteAsync(context);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            BridgePolicies.CountRefusal(context, "authorization");
            var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).ToList() ?? [];
            await SecurityProblems.Forbidden(reasons.Count > 0 ? string.Join(" ", reasons) : "The credential may not call this operation.").ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Marks the routes a publisher publishes through (<see cref="BridgePolicies.RequirePublishScope"/>): their refusals are counted.</summary>
public sealed class PublishRoute
{
    /// <summary>The one instance.</summary>
    public static readonly PublishRoute Instance = new();

    private PublishRoute()
    {
    }
}
