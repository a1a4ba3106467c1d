using System.ComponentModel.DataAnnotations;

namespace Bridge.Publisher.Outbox;

/// <summary>The transactional outbox, section <c>Bridge:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Outbox";

    /// <summary>
    /// <c>auto</c> (the default: on for a remote broker such as RabbitMQ, off for the embedded one, whose SQLite file already
    /// is the durable local store), <c>on</c> or <c>off</c>.
    /// </summary>
    [RegularExpression("^(auto|on|off)$")]
    public string Mode { get; set; } = "auto";

    /// <summary>Envelopes forwarded per broker call.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>How often the dispatcher looks for rows written by other processes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts while the broker is unreachable.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the dispatcher's lease lasts unless renewed; another process takes over when it lapses.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
}
