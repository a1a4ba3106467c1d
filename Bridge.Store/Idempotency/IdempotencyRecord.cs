namespace Bridge.Store.Idempotency;

/// <summary>
/// A publish request's <c>Idempotency-Key</c>, claimed by the first request that carried it, and the response that
/// request got once it was accepted. The key is unique per scope (the publisher), topic and key.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>The longest scope (a publisher id).</summary>
    public const int ScopeMaxLength = 128;

    /// <summary>The longest key the header may carry.</summary>
    public const int KeyMaxLength = 255;

    /// <summary>The publisher the key belongs to, or a fixed scope for anonymous callers.</summary>
    public required string Scope { get; set; }

    /// <summary>The topic published to.</summary>
    public required string Topic { get; set; }

    /// <summary>The key as the caller sent it (decoded).</summary>
    public required string Key { get; set; }

    /// <summary>SHA-256 (hex) of everything in the request that shapes the events: route, content type, attributes, body.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>In flight (a request holds the claim) or completed (the response below is stored).</summary>
    public IdempotencyState State { get; set; }

    /// <summary>The holder of the claim: only it may complete or release it.</summary>
    public required string ClaimToken { get; set; }

    /// <summary>When the key was claimed; also the seed of the message ids of its events.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>An in-flight claim older than this was left by a request that died: another request may take it over.</summary>
    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>When the key stops matching (created + the window); the sweeper removes it after.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the response was stored.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The stored response's status code.</summary>
    public int? StatusCode { get; set; }

    /// <summary>The stored response's Content-Type.</summary>
    public string? ContentType { get; set; }

    /// <summary>The stored response body (JSON).</summary>
    public string? ResponseBody { get; set; }

    /// <summary>The stored response headers that matter (the correlation id, a location), as a JSON object.</summary>
    public string? ResponseHeaders { get; set; }
}

/// <summary>Where an <see cref="IdempotencyRecord"/> is.</summary>
public enum IdempotencyState
{
    /// <summary>A request holds the claim and is publishing.</summary>
    InFlight,

    /// <summary>The publish was accepted; its response is stored for replay.</summary>
    Completed,
}
