namespace Bridge.Store.Replays;

/// <summary>A bulk replay of a subscription's dead letters, run in the background at a bounded rate.</summary>
public sealed class ReplayJob
{
    /// <summary>The longest job id: <c>rj_</c> and 32 hex digits fit with room to spare.</summary>
    public const int IdMaxLength = 40;

    /// <summary>The job's id, chosen by whoever creates it (e.g. <c>rj_</c> and 32 hex digits).</summary>
    public required string Id { get; set; }

    /// <summary>Topic of the subscription.</summary>
    public required string Topic { get; set; }

    /// <summary>Subscription name.</summary>
    public required string Subscription { get; set; }

    /// <summary>Which dead letters to replay, as JSON; every dead letter when absent.</summary>
    public string? FilterJson { get; set; }

    /// <summary>A corrected webhook URL to deliver the replayed envelopes to, instead of the subscription's.</summary>
    public string? TargetUrl { get; set; }

    /// <summary>Most dead letters replayed per second.</summary>
    public int RatePerSecond { get; set; }

    /// <summary>Where the job is.</summary>
    public ReplayJobStatus Status { get; set; }

    /// <summary>Dead letters the job selected.</summary>
    public int Total { get; set; }

    /// <summary>Dead letters replayed so far.</summary>
    public int Replayed { get; set; }

    /// <summary>Dead letters skipped (gone, or replayed meanwhile).</summary>
    public int Skipped { get; set; }

    /// <summary>Dead letters whose replay failed.</summary>
    public int FailedCount { get; set; }

    /// <summary>When the job was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the job started running.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the job ended (completed, failed or cancelled).</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Who asked for it.</summary>
    public required string RequestedBy { get; set; }

    /// <summary>Why the job failed, if it did.</summary>
    public string? Error { get; set; }
}

/// <summary>Where a <see cref="ReplayJob"/> is.</summary>
public enum ReplayJobStatus
{
    /// <summary>Created, not started yet.</summary>
    Queued,

    /// <summary>Replaying.</summary>
    Running,

    /// <summary>Every selected dead letter was handled.</summary>
    Completed,

    /// <summary>Stopped by an error (see <see cref="ReplayJob.Error"/>).</summary>
    Failed,

    /// <summary>Stopped on request.</summary>
    Cancelled,
}
