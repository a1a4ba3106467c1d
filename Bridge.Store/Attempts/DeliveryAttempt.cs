using Bridge.Webhooks;

namespace Bridge.Store.Attempts;

/// <summary>One attempt to deliver an envelope to a subscription's webhook.</summary>
public sealed class DeliveryAttempt
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

    /// <summary>1 for the first attempt (the broker's delivery count).</summary>
    public int Attempt { get; set; }

    /// <summary>When the attempt started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>How long the attempt took, in milliseconds.</summary>
    public double DurationMs { get; set; }

    /// <summary>HTTP status answered, if any.</summary>
    public int? StatusCode { get; set; }

    /// <summary>What came of the attempt.</summary>
    public AttemptOutcome Outcome { get; set; }

    /// <summary>Why it failed (timeout, connection error, status), if it did.</summary>
    public string? Error { get; set; }

    /// <summary>The start of the response body.</summary>
    public string? ResponseExcerpt { get; set; }
}
