namespace Bridge.Store.Endpoints;

/// <summary>The operational state of a subscription's webhook: where it points now and whether deliveries to it are paused.</summary>
public sealed class WebhookEndpoint
{
    /// <summary>Topic of the subscription (key, with <see cref="Subscription"/>).</summary>
    public required string Topic { get; set; }

    /// <summary>Subscription name (key, with <see cref="Topic"/>).</summary>
    public required string Subscription { get; set; }

    /// <summary>The webhook URL.</summary>
    public required string Url { get; set; }

    /// <summary>Whether deliveries to it are paused.</summary>
    public bool Paused { get; set; }

    /// <summary>When it was paused.</summary>
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>Who paused it.</summary>
    public string? PausedBy { get; set; }

    /// <summary>Why it was paused.</summary>
    public string? PauseReason { get; set; }

    /// <summary>How the pause came about, while paused: <c>manual</c> (an operator) or <c>automatic</c> (a run of failed calls).</summary>
    public string? PauseMode { get; set; }

    /// <summary>Incremented by every write of the row (a concurrency token): a process that sees another version knows someone else changed it.</summary>
    public long Version { get; set; }

    /// <summary>When this record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
