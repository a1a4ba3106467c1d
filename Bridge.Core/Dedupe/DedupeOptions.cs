using System.ComponentModel.DataAnnotations;

namespace Bridge.Dedupe;

/// <summary>Delivery dedupe, section <c>Bridge:Dedupe</c>; the Redis connection is <c>ConnectionStrings:dedupe</c>.</summary>
public sealed class DedupeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Dedupe";

    /// <summary>
    /// <c>memory</c> (default: this process only, as the standalone bridge needs), <c>redis</c> (shared by every
    /// subscriber process) or <c>off</c>.
    /// </summary>
    [Required]
    [RegularExpression("^(memory|redis|off)$", ErrorMessage = "Bridge:Dedupe:Store must be memory, redis or off.")]
    public string Store { get; set; } = "memory";

    /// <summary>How long a delivered envelope is remembered: a redelivery within it is completed without a webhook call.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a claim lives unless its holder renews it (it does, every third of this, while the webhook call runs).
    /// A subscriber that dies mid-call holds its envelopes back at most this long; another subscriber that finds the
    /// claim waits without spending a delivery.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most envelopes the <c>memory</c> store remembers (the oldest are forgotten first).</summary>
    [Range(1, 100_000_000)]
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>Prefix of every Redis key.</summary>
    [Required]
    public string Prefix { get; set; } = "bridge";
}
