using System.ComponentModel.DataAnnotations;

namespace Bridge.Replay.DeadLetters;

/// <summary>Settings of the replay service, section <c>Bridge:Replay</c> (jobs and the sweeper have their own sub-sections).</summary>
public sealed class ReplayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Replay";

    /// <summary>How often the dead letters and the backlog of each subscription are counted for <c>bridge.dead_letters.depth</c> and <c>bridge.subscription.backlog</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DepthInterval { get; set; } = TimeSpan.FromSeconds(15);
}
