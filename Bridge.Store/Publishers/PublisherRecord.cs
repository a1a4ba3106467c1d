namespace Bridge.Store.Publishers;

/// <summary>A publisher: a Workato workspace, a partner — whoever calls Bridge with its own keys and scopes.</summary>
public sealed class PublisherRecord
{
    /// <summary>The publisher's id (key): lower-case letters, digits and dashes.</summary>
    public required string Id { get; set; }

    /// <summary>A name for people.</summary>
    public required string Name { get; set; }

    /// <summary>Its scopes, space-separated: <c>publish:{topic}</c>, <c>publish:*</c>, <c>admin</c>.</summary>
    public required string Scopes { get; set; }

    /// <summary>Its own publish rate limit (events per second), or null for the default.</summary>
    public int? RateLimitPerSecond { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
