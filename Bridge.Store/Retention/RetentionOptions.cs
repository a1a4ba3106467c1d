namespace Bridge.Store.Retention;

/// <summary>How long the store keeps its audit trail, section <c>Bridge:Store:Retention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Store:Retention";

    /// <summary>The shortest period a setting accepts (one second, for tests and demos).</summary>
    public static readonly TimeSpan MinPeriod = TimeSpan.FromSeconds(1);

    /// <summary>The longest period a setting accepts (ten years).</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(3650);

    /// <summary>Whether this process prunes (true by default). Several processes pruning one store is harmless; one is enough.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long accepted events, attempts and deliveries are kept (30 days by default: long enough to answer "what became
    /// of the order of last week" and to cover a month-end close, short enough that a busy SQLite file stays small).
    /// </summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long the records of dead letters and their replays are kept (90 days by default: a dead letter waits for a
    /// person, who may come back to it late). Only the record is pruned; the envelope stays in the broker's dead-letter
    /// queue, replayable, until it is replayed or purged.
    /// </summary>
    public TimeSpan DeadLetters { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Per topic, how long its events, attempts and deliveries are kept instead of <see cref="Events"/>.</summary>
    public Dictionary<string, TimeSpan> Topics { get; } = new(StringComparer.Ordinal);

    /// <summary>How often the store is pruned (every 10 minutes by default; the first run comes one interval after start).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows removed by one statement (1,000 by default): each delete is short, so it never holds the write lock long.</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>The pause between two deletes (50 ms by default), which lets the audit writer in.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The period of <paramref name="topic"/>'s events: its own, or <see cref="Events"/>.</summary>
    public TimeSpan EventsOf(string topic) => Topics.TryGetValue(topic, out var period) ? period : Events;
}
