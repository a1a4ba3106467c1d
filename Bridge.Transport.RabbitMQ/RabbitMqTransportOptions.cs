using System.ComponentModel.DataAnnotations;

namespace Bridge.Transport.RabbitMQ;

/// <summary>Settings of the RabbitMQ transport, section <c>Bridge:RabbitMQ</c>; the connection is <c>ConnectionStrings:messaging</c>.</summary>
public sealed class RabbitMqTransportOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:RabbitMQ";

    /// <summary>AMQP URI, e.g. <c>amqp://user:pass@host:5672/vhost</c>. Defaults to <c>ConnectionStrings:messaging</c>.</summary>
    [Required]
    public string ConnectionString { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>Prefix of every exchange and queue Bridge declares.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]{0,30}$")]
    public string Prefix { get; set; } = "bridge";

    /// <summary>Largest serialised envelope accepted, in bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How often an idle receiver looks at deliveries waiting for a retry or an ordering key, and at an ordered
    /// subscription's ownership; new messages wake it at once.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Most messages the broker pushes to a process ahead of its receivers, per subscription (AMQP prefetch). 0 (the
    /// default) sizes it to the most messages one receive asked for — a subscriber's delivery concurrency. Pushed
    /// messages are unlocked until taken; one the broker gets back untaken (a restart) counts a delivery.
    /// </summary>
    [Range(0, 10_000)]
    public ushort Prefetch { get; set; }

    /// <summary>
    /// Most messages a process keeps per subscription waiting behind a busy ordering key or for a delayed retry. While
    /// they wait they would fill the prefetch window and starve the other keys, so the process consumes afresh beside
    /// them; past this many it stops doing so, and the other keys wait too (0: never).
    /// </summary>
    [Range(0, 100_000)]
    public int MaxHeld { get; set; } = 1_000;

    /// <summary>
    /// Longest retry delay (abandon or release with a delay) a message without an ordering key waits out in the process,
    /// unacknowledged on its channel. A longer one leaves the subscription's queue: it is republished, with its delivery
    /// count, to a delay queue of the subscription that dead-letters it back when it is due, and then acknowledged — so
    /// a retry hours away neither runs into the broker's <c>consumer_timeout</c> nor pins the prefetch window, and
    /// survives a restart. A message with an ordering key always waits in the process (docs/rabbitmq.md, "Long retry delays").
    /// At most 20 minutes, well within the broker's default <c>consumer_timeout</c> of 30.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:20:00")]
    public TimeSpan MaxRetryDelayHeld { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most dead letters read when browsing a dead-letter queue.</summary>
    [Range(1, 100_000)]
    public int MaxDeadLettersScanned { get; set; } = 10_000;
}
