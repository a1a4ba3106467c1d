namespace Bridge.Store.Publishers;

/// <summary>A credential of a publisher: an API key (only its hash is kept) or an HMAC signing key (kept encrypted).</summary>
public sealed class PublisherKey
{
    /// <summary>The key's public id (key), part of the API key and the <c>Bridge-Key-Id</c> of signed requests.</summary>
    public required string KeyId { get; set; }

    /// <summary>The publisher it belongs to.</summary>
    public required string PublisherId { get; set; }

    /// <summary><c>api-key</c> or <c>hmac</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>SHA-256 of an API key's secret (hex); null for an HMAC key.</summary>
    public string? SecretHash { get; set; }

    /// <summary>An HMAC key's secret, encrypted at rest; null for an API key.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops working by itself (expiry, or the end of a rotation's grace period).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When it was revoked; a revoked key fails at once.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The key that replaced it in a rotation.</summary>
    public string? ReplacedBy { get; set; }
}
