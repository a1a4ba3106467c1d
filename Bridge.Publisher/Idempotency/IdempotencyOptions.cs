using System.ComponentModel.DataAnnotations;

namespace Bridge.Publisher.Idempotency;

/// <summary>The <c>Idempotency-Key</c> header on publish, section <c>Bridge:Publisher:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Publisher:Idempotency";

    /// <summary>How long a key is remembered after it was first used: a retry within it gets the stored response.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an in-flight claim is honoured: past it, the request holding it is taken to have died and a retry takes it over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a duplicate waits for the request holding the key to finish before it is answered 409.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan WaitForInFlight { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a waiting duplicate looks at the key again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often expired keys are removed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
