namespace Bridge.Store.Deliveries;

/// <summary>The delivery of one envelope to one subscription: its attempts summed up, one row per envelope and subscription.</summary>
public sealed class DeliveryRecord
{
    /// <summary>Store key.</summary>
    public long Id { get; set; }

    /// <summary>Topic of the subscription.</summary>
    public required string Topic { get; set; }

    /// <summary>Subscription name.</summary>
    public required string Subscription { get; set; }

    /// <summary>The envelope's id.</summary>
    public required string MessageId { get; set; }

    /// <summary>The envelope's correlation id.</summary>
    public required string CorrelationId { get; set; }

    /// <summary>Where the delivery is.</summary>
    public DeliveryStatus Status { get; set; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the first attempt started.</summary>
    public DateTimeOffset FirstAttemptAt { get; set; }

    /// <summary>When the latest attempt started.</summary>
    public DateTimeOffset LastAttemptAt { get; set; }

    /// <summary>When it was delivered or dead-lettered.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>HTTP status of the latest attempt, if one was answered.</summary>
    public int? LastStatusCode { get; set; }

    /// <summary>Why the latest attempt failed, if it did.</summary>
    public string? LastError { get; set; }
}

/// <summary>Where the delivery of an envelope to a subscription is.</summary>
public enum DeliveryStatus
{
    /// <summary>Not attempted yet.</summary>
    Pending,

    /// <summary>A webhook answered 2xx.</summary>
    Delivered,

    /// <summary>Attempts failed and it is being retried.</summary>
    Failing,

    /// <summary>Given up on: set aside as a dead letter.</summary>
    DeadLettered,
}
