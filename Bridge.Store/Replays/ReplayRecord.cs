namespace Bridge.Store.Replays;

/// <summary>An audit record: a dead letter sent back to its subscription.</summary>
public sealed class ReplayRecord
{
    /// <summary>Store key.</summary>
    public long Id { get; set; }

    /// <summary>Topic of the subscription.</summary>
    public required string Topic { get; set; }

    /// <summary>Subscription name.</summary>
    public required string Subscription { get; set; }

    /// <summary>The replayed envelope's id.</summary>
    public required string MessageId { get; set; }

    /// <summary>When it was replayed.</summary>
    public DateTimeOffset ReplayedAt { get; set; }

    /// <summary>Who asked for it.</summary>
    public required string RequestedBy { get; set; }

    /// <summary>The dead-letter reason at the time of replay.</summary>
    public string? DeadLetterReason { get; set; }

    /// <summary>The <see cref="ReplayJob"/> that replayed it, if it was replayed by a job.</summary>
    public string? JobId { get; set; }
}
