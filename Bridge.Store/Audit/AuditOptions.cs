using System.ComponentModel.DataAnnotations;

namespace Bridge.Store.Audit;

/// <summary>What the audit trail keeps, section <c>Bridge:Store:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Store:Audit";

    /// <summary>
    /// Whether an accepted event's record keeps the whole envelope (its CloudEvent JSON, data included); when false only
    /// its attributes and size are kept.
    /// </summary>
    public bool KeepPayload { get; set; } = true;

    /// <summary>
    /// How many records may wait for the writer before publishes and deliveries are paced to its speed (10,000 by
    /// default: a few MB, about two seconds of ingest at the benchmarked rate). Past it nothing is dropped; callers wait.
    /// </summary>
    [Range(100, 1_000_000, ErrorMessage = "Bridge:Store:Audit:QueueCapacity must be between 100 and 1000000.")]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// The longest one publish or delivery waits for room in a full queue (2 s by default); after it, it goes on and its
    /// records stay queued. A store that refuses writes is never waited for.
    /// </summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest delivery waits for a dead letter's record to be committed before it moves the envelope to the
    /// dead-letter queue (30 s by default). Past it the envelope is dead-lettered anyway and its record stays queued.
    /// </summary>
    public TimeSpan DeadLetterWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the writer lets records gather after the first one arrives before it writes them in one transaction
    /// (50 ms by default; zero writes at once). Every write pays a transaction and a query; gathering records spreads
    /// that over many events, at the price of the audit trail lagging by up to this much. A full batch is written at once.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
