using System.ComponentModel.DataAnnotations;

namespace Bridge.Replay.ReplayJobs;

/// <summary>Settings of replay jobs, section <c>Bridge:Replay:Jobs</c>.</summary>
public sealed class ReplayJobOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Replay:Jobs";

    /// <summary>
    /// Whether this process runs replay jobs. With several replay processes on one store, enable it on one of them:
    /// the others still accept, list and cancel jobs.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most jobs running at once in this process (never two for one subscription).</summary>
    [Range(1, 64)]
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>How often the runner looks for queued jobs (a job created in this process starts at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rate of a job whose request gives none, in dead letters per second.</summary>
    [Range(1, 100_000)]
    public int DefaultRatePerSecond { get; set; } = 50;

    /// <summary>Highest rate a job may ask for, in dead letters per second.</summary>
    [Range(1, 100_000)]
    public int MaxRatePerSecond { get; set; } = 1_000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultRatePerSecond > MaxRatePerSecond)
        {
            yield return new ValidationResult(
                $"{SectionName}:DefaultRatePerSecond ({DefaultRatePerSecond}) must not exceed {SectionName}:MaxRatePerSecond ({MaxRatePerSecond}).",
                [nameof(DefaultRatePerSecond)]);
        }
    }
}
