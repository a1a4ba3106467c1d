using System.ComponentModel.DataAnnotations;
using Bridge.Topology;

namespace Bridge.Subscriptions;

/// <summary>Subscriptions made through the API (REST hooks), section <c>Bridge:Subscriptions</c>.</summary>
public sealed class SubscriptionsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Subscriptions";

    /// <summary>How often each process reads the subscriptions from the store: a change made elsewhere takes effect within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether webhook URLs may be plain <c>http</c> to a loopback address (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>::1</c>).
    /// Unset: only in the Development environment. Every other URL must be <c>https</c>.
    /// </summary>
    public bool? AllowHttpLoopback { get; set; }

    /// <summary>How long a rotated secret keeps signing calls beside its successor, unless the rotation says otherwise.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan DefaultSecretGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// After a deletion, how long to wait beyond the subscription's webhook timeout and two sync intervals before its broker
    /// queue is removed: time for every process to stop delivering and finish the calls in flight.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most API-made subscriptions per topic.</summary>
    [Range(1, 100_000)]
    public int MaxPerTopic { get; set; } = 1000;

    /// <summary>Most live API-made subscriptions one identity (publisher) may own over every topic; an admin's count too.</summary>
    [Range(1, 100_000)]
    public int MaxPerIdentity { get; set; } = 50;

    /// <summary>Create requests one identity may make per minute (a token bucket of this size, refilled each minute); then 429 with Retry-After.</summary>
    [Range(1, 100_000)]
    public int CreationsPerMinute { get; set; } = 30;

    /// <summary>
    /// Settings an API-made subscription takes where its request is silent (retry delays, circuit breaker, automatic
    /// pause, lock duration…), in the shape of a configured subscription; its URL and secret are ignored.
    /// </summary>
    public SubscriptionOptions Defaults { get; set; } = new();
}
