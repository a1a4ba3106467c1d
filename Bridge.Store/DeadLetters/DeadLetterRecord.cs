namespace Bridge.Store.DeadLetters;

/// <summary>An audit record of an envelope dead-lettered from a subscription, and what became of it.</summary>
public sealed class DeadLetterRecord
{
    /// <summary>Store key.</summary>
    public long Id { get; set; }

    /// <summary>Topic of the subscription.</summary>
    public required string Topic { get; set; }

    /// <summary>Subscription name.</summary>
    public required string Subscription { get; set; }

    /// <summary>The envelope's id.</summary>
    public required string MessageId { get; set; }

    /// <summary>The envelope's correlation id.</summary>
    public required string CorrelationId { get; set; }

    /// <summary>The CloudEvent <c>type</c> of the envelope.</summary>
    public required string Type { get; set; }

    /// <summary>The dead-letter reason (e.g. <c>MaxAttemptsExceeded</c>).</summary>
    public required string Reason { get; set; }

    /// <summary>What went wrong, in words.</summary>
    public string? Description { get; set; }

    /// <summary>Deliveries made before it was dead-lettered.</summary>
    public int DeliveryCount { get; set; }

    /// <summary>When it was dead-lettered.</summary>
    public DateTimeOffset DeadLetteredAt { get; set; }

    /// <summary>Whether it is still a dead letter.</summary>
    public DeadLetterState State { get; set; }

    /// <summary>When it was replayed or purged.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Who replayed or purged it.</summary>
    public string? ResolvedBy { get; set; }
}

/// <summary>Whether a dead letter is still one.</summary>
public enum DeadLetterState
{
    /// <summary>Waiting in the dead-letter queue.</summary>
    Open,

    /// <summary>Sent back to its subscription.</summary>
    Replayed,

    /// <summary>Removed without replay.</summary>
    Purged,
}
