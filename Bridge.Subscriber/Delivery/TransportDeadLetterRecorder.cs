using System.Diagnostics;
using Bridge.Messaging;
using Bridge.Telemetry;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// Logs, counts and records the dead-letterings a transport decides on its own (an envelope it cannot read, one
/// returned more often than the maximum delivery count after crashes or expired locks), exactly as delivery does for
/// its own: an error log line, <c>bridge.deliveries.dead_lettered</c> with the reason, and a dead-letter row.
/// </summary>
internal sealed partial class TransportDeadLetterRecorder(DeliveryAudit audit, ILogger<TransportDeadLetterRecorder> logger) : IDeadLetterObserver
{
    public void DeadLettered(TransportDeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var address = deadLetter.Subscription;
        BridgeTelemetry.DeadLettered.Add(1, new TagList { { "topic", address.Topic }, { "subscription", address.Subscription }, { "reason", deadLetter.Reason } });
        LogDeadLettered(logger, deadLetter.MessageId, address.ToString(), deadLetter.Reason, deadLetter.Description ?? "", deadLetter.DeliveryCount,
            deadLetter.Envelope?.CorrelationId ?? "");
        audit.DeadLettered(deadLetter);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered {MessageId} of {Subscription} by the broker transport: {Reason} ({Description}) after {DeliveryCount} deliveries (correlation {CorrelationId})")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string subscription, string reason, string description, int deliveryCount, string correlationId);
}
