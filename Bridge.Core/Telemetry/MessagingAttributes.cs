namespace Bridge.Telemetry;

/// <summary>Span attribute names: the OpenTelemetry messaging conventions' and Bridge's own (<c>bridge.*</c>).</summary>
public static class MessagingAttributes
{
    /// <summary>The messaging system; Bridge's topics and subscriptions are its own, whatever broker carries them.</summary>
    public const string System = "messaging.system";

    /// <summary>Value of <see cref="System"/>.</summary>
    public const string SystemName = "bridge";

    /// <summary>System-specific operation: publish, create, process, complete, abandon, release, dead_letter, replay.</summary>
    public const string OperationName = "messaging.operation.name";

    /// <summary>Operation kind of the conventions: create, send, process, settle.</summary>
    public const string OperationType = "messaging.operation.type";

    /// <summary>
    /// The operation kind under its name before the conventions split it into <see cref="OperationName"/> and
    /// <see cref="OperationType"/> (values publish, create, process, settle). Deprecated there, but it is what the Aspire
    /// dashboard reads to title a messaging span (<c>MSG bridge process erp-events</c>); without it every Bridge span of
    /// a trace had the same title.
    /// </summary>
    public const string LegacyOperation = "messaging.operation";

    /// <summary>The topic.</summary>
    public const string DestinationName = "messaging.destination.name";

    /// <summary>The subscription.</summary>
    public const string SubscriptionName = "messaging.destination.subscription.name";

    /// <summary>The envelope id.</summary>
    public const string MessageId = "messaging.message.id";

    /// <summary>The correlation id.</summary>
    public const string ConversationId = "messaging.message.conversation_id";

    /// <summary>Envelopes in one publish or replay.</summary>
    public const string BatchMessageCount = "messaging.batch.message_count";

    /// <summary>Class of a failure: an HTTP status code, an exception type, or a dead-letter reason.</summary>
    public const string ErrorType = "error.type";

    /// <summary>Which delivery of the envelope to its subscription this is (1 on the first).</summary>
    public const string DeliveryAttempt = "bridge.delivery.attempt";

    /// <summary>How a delivery ended: delivered, failed, rejected, held, duplicate, dead_lettered.</summary>
    public const string DeliveryOutcome = "bridge.delivery.outcome";

    /// <summary>Why an envelope was dead-lettered (a stable reason such as <c>MaxAttemptsExceeded</c>).</summary>
    public const string DeadLetterReason = "bridge.dead_letter.reason";

    /// <summary>What happened, in words, when an envelope was dead-lettered.</summary>
    public const string DeadLetterDescription = "bridge.dead_letter.description";

    /// <summary>Delay before the broker offers an abandoned or released envelope again, in seconds.</summary>
    public const string RedeliveryDelay = "bridge.delivery.redelivery_delay";
}
