namespace Bridge.Webhooks;

/// <summary>What came of a delivery attempt.</summary>
public enum AttemptOutcome
{
    /// <summary>2xx: the envelope was delivered.</summary>
    Delivered,

    /// <summary>A permanent refusal (4xx other than 408/429): dead-lettered without retry.</summary>
    Rejected,

    /// <summary>A transient failure (5xx, 408, 429, timeout, connection): retried.</summary>
    Failed,

    /// <summary>Interrupted by shutdown; the envelope is delivered again later.</summary>
    Cancelled,

    /// <summary>A redelivery dedupe recognised as delivered before: completed without a call.</summary>
    Duplicate,
}
