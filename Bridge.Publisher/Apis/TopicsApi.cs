using System.Security.Claims;
using Bridge.Security;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Publisher;

/// <summary><c>GET /api/topics</c>: the topics the caller may publish to or subscribe to (an iPaaS connector's pick list).</summary>
public static class TopicsApi
{
    /// <summary>Maps the topics route.</summary>
    public static RouteHandlerBuilder MapTopicsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/topics", List)
            .RequireCredential()
            .WithTags("Topics")
            .WithName("ListTopics")
            .WithSummary("List topics")
            .WithDescription("The topics this credential may publish to (publish:{topic}, publish:*) or manage subscriptions of (subscribe:{topic}, subscribe:*, admin), with what it may do on each. Also a cheap way to test a credential.");

    internal static Ok<TopicList> List(ClaimsPrincipal user, TopologyCatalog catalog)
    {
        var scopes = BridgeClaims.ScopesOf(user);
        var admin = scopes.Contains("admin");
        var items = catalog.Topics
            .Select(t => new TopicView(t.Name, catalog.DescriptionOf(t.Name), BridgePolicies.Allows(scopes, "publish", t.Name), BridgePolicies.Allows(scopes, "subscribe", t.Name)))
            .Where(t => admin || t.CanPublish || t.CanSubscribe)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(new TopicList(items));
    }
}

/// <summary>The topics a credential may use.</summary>
/// <param name="Items">By name.</param>
public sealed record TopicList(IReadOnlyList<TopicView> Items);

/// <summary>A topic and what the credential may do on it.</summary>
/// <param name="Name">The topic's name.</param>
/// <param name="Description">What flows on it, if configured.</param>
/// <param name="CanPublish">Whether the credential may publish to it.</param>
/// <param name="CanSubscribe">Whether the credential may manage its subscriptions.</param>
public sealed record TopicView(string Name, string? Description, bool CanPublish, bool CanSubscribe);
