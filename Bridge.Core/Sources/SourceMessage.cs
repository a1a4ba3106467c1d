namespace Bridge.Sources;

/// <summary>
/// A message another system wrote to a broker, as a transport reader hands it over: its body and the broker's own
/// properties, nothing broker-specific left.
/// </summary>
public sealed record SourceMessage
{
    /// <summary>The message body. Read during the call only: the standardiser copies what it keeps.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The AMQP <c>content-type</c> or the Service Bus <c>ContentType</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>The broker's message id.</summary>
    public string? MessageId { get; init; }

    /// <summary>The broker's correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The Service Bus session id.</summary>
    public string? SessionId { get; init; }

    /// <summary>The Service Bus <c>Subject</c> (formerly label).</summary>
    public string? Subject { get; init; }

    /// <summary>The RabbitMQ routing key.</summary>
    public string? RoutingKey { get; init; }

    /// <summary>
    /// Application properties (Service Bus) or headers (AMQP) by exact name, their values already converted to
    /// <see cref="string"/>, <see cref="long"/>, <see cref="int"/>, <see cref="double"/>, <see cref="bool"/>,
    /// <see cref="DateTimeOffset"/> or <c>byte[]</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = EmptyProperties;

    /// <summary>An empty, shared property map.</summary>
    public static readonly IReadOnlyDictionary<string, object?> EmptyProperties = new Dictionary<string, object?>(StringComparer.Ordinal);
}
