using System.ComponentModel.DataAnnotations;

namespace Bridge.Replay.Sweeper;

/// <summary>
/// Settings of the scheduled sweeper, section <c>Bridge:Replay:Sweeper</c>: every <see cref="Interval"/> it starts a
/// replay job (requested by <c>sweeper</c>) for each subscription with dead letters of the given reasons that are at
/// least <see cref="MinAge"/> old — unless a sweeper job for it is still queued or running.
/// </summary>
public sealed class SweeperOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Replay:Sweeper";

    /// <summary>Who the sweeper's jobs are requested by.</summary>
    public const string RequestedBy = "sweeper";

    /// <summary>The reasons swept when <see cref="Reasons"/> is empty: failures that may heal by themselves.</summary>
    public static readonly IReadOnlyList<string> DefaultReasons = ["MaxAttemptsExceeded", "MaxDeliveryCountExceeded"];

    /// <summary>Whether the sweeper runs.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often it sweeps.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Dead-letter reasons it replays; <see cref="DefaultReasons"/> when empty.</summary>
    public IList<string> Reasons { get; } = [];

    /// <summary>Only dead letters at least this old (dead-lettered this long ago).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan MinAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most dead letters one job of the sweeper replays.</summary>
    [Range(1, 1_000_000)]
    public int MaxPerRun { get; set; } = 1_000;

    /// <summary>Rate of the sweeper's jobs, in dead letters per second.</summary>
    [Range(1, 100_000)]
    public int RatePerSecond { get; set; } = 20;

    /// <summary>Subscriptions it sweeps, as <c>topic/subscription</c>; every subscription when empty.</summary>
    public IList<string> Subscriptions { get; } = [];

    /// <summary>The reasons in effect.</summary>
    public IReadOnlyList<string> EffectiveReasons => Reasons.Count == 0 ? DefaultReasons : [.. Reasons];
}
