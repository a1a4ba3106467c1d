namespace Bridge.Security;

/// <summary>The claims Bridge's authentication puts on a caller, whatever the scheme (API key, HMAC, a token issuer).</summary>
public static class BridgeClaims
{
    /// <summary>The id of the publisher (a Workato workspace, a partner) the caller acts for.</summary>
    public const string PublisherId = "bridge:publisher";

    /// <summary>One claim per scope granted: <c>publish:{topic}</c>, <c>publish:*</c> or <c>admin</c>.</summary>
    public const string Scope = "scope";

    /// <summary>
    /// Stands for the publisher of a caller without a publisher id (a request refused before its key was recognised, say)
    /// in refusal counts, alert rules, rate limits and idempotency scopes.
    /// </summary>
    public const string Anonymous = "(anonymous)";

    /// <summary>The scopes granted to <paramref name="user"/>.</summary>
    public static IReadOnlySet<string> ScopesOf(System.Security.Claims.ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll(Scope).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The publisher <paramref name="user"/> acts for, or an empty string for an anonymous caller.</summary>
    public static string PublisherOf(System.Security.Claims.ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirst(PublisherId)?.Value ?? string.Empty;
    }
}
