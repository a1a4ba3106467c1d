namespace Bridge.Store.Events;

/// <summary>An audit record of an event the publisher accepted: its CloudEvent attributes and, optionally, the envelope.</summary>
public sealed class AuditedEvent
{
    /// <summary>Store key.</summary>
    public long Id { get; set; }

    /// <summary>The envelope's id (the CloudEvent <c>id</c>).</summary>
    public required string MessageId { get; set; }

    /// <summary>The topic it was published to.</summary>
    public required string Topic { get; set; }

    /// <summary>The CloudEvent <c>type</c>.</summary>
    public required string Type { get; set; }

    /// <summary>The CloudEvent <c>source</c>.</summary>
    public required string Source { get; set; }

    /// <summary>The CloudEvent <c>subject</c>, if any.</summary>
    public string? Subject { get; set; }

    /// <summary>The envelope's correlation id.</summary>
    public required string CorrelationId { get; set; }

    /// <summary>The ordering key (<c>partitionkey</c>), if any.</summary>
    public string? OrderingKey { get; set; }

    /// <summary>The event's time (the CloudEvent <c>time</c>).</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>When the publisher accepted it.</summary>
    public DateTimeOffset AcceptedAt { get; set; }

    /// <summary>Size of the serialised envelope, in bytes.</summary>
    public int SizeBytes { get; set; }

    /// <summary>The stored CloudEvent JSON (UTF-8), when envelopes are kept.</summary>
#pragma warning disable CA1819 // an entity's binary column
    public byte[]? Envelope { get; set; }
#pragma warning restore CA1819
}
