namespace Bridge.Transport.RabbitMQ.Sources;

/// <summary>
/// A RabbitMQ source, section <c>Bridge:Sources:{source}:RabbitMQ</c>: either an <see cref="Exchange"/> (Bridge declares
/// its own quorum queue, bound with <see cref="BindingKey"/>) or an existing <see cref="Queue"/> that Bridge consumes.
/// </summary>
public sealed class RabbitMqSourceOptions
{
    /// <summary>The section's name under the source.</summary>
    public const string SectionName = "RabbitMQ";

    /// <summary>AMQP URI of the broker the other system writes to; defaults to the transport's (<c>Bridge:RabbitMQ:ConnectionString</c>, else <c>ConnectionStrings:messaging</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>An existing exchange to read: Bridge binds a queue of its own to it (named <see cref="Queue"/>, else <c>bridge.source.{source}</c>).</summary>
    public string? Exchange { get; set; }

    /// <summary>The binding key of that queue (<c>#</c>, every message, by default; ignored by fanout exchanges).</summary>
    public string BindingKey { get; set; } = "#";

    /// <summary>With <see cref="Exchange"/>, the name of Bridge's queue; without it, an existing queue to consume (Bridge declares nothing).</summary>
    public string? Queue { get; set; }

    /// <summary>Most unacknowledged messages the broker sends ahead (1–10,000).</summary>
    public ushort Prefetch { get; set; } = 500;

    internal string Describe(string source) => Exchange is { Length: > 0 } exchange
        ? $"RabbitMQ exchange '{exchange}' (binding '{BindingKey}', queue '{QueueName(source)}')"
        : $"RabbitMQ queue '{Queue}'";

    internal string QueueName(string source) => Queue is { Length: > 0 } queue ? queue : $"bridge.source.{source}";
}
