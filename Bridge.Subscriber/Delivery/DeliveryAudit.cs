using Bridge.Messaging;
using Bridge.Store.Attempts;
using Bridge.Store.Audit;
using Bridge.Store.DeadLetters;
using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Subscriber.Delivery;

/// <summary>What delivery tells the audit trail: each attempt (with the delivery it changes), each dead letter, each duplicate.</summary>
internal sealed class DeliveryAudit(AuditRecorder recorder, TimeProvider timeProvider)
{
    /// <summary>An attempt that called the webhook; completes when the audit queue has room (see <see cref="AuditRecorder.WhenRoomAsync"/>).</summary>
    public ValueTask Attempted(SubscriptionAddress address, ReceivedMessage message, DateTimeOffset startedAt, WebhookCallResult result)
    {
        recorder.RecordAttempt(Attempt(address, message, startedAt, result.Outcome, result.StatusCode, result.Duration, result.Error, result.ResponseExcerpt));
        return recorder.WhenRoomAsync(CancellationToken.None);
    }

    /// <summary>A redelivery dedupe completed without a call, because the envelope was delivered before.</summary>
    public void Duplicate(SubscriptionAddress address, ReceivedMessage message) =>
        recorder.RecordAttempt(Attempt(address, message, timeProvider.GetUtcNow(), AttemptOutcome.Duplicate, null, TimeSpan.Zero, null, null));

    /// <summary>
    /// Delivery is about to dead-letter the envelope: completes once the dead letter is in the store (or the store gave
    /// up on it, see <see cref="AuditRecorder.RecordDeadLetterAsync"/>), so the broker's dead-letter queue never holds
    /// an envelope the store does not know of.
    /// </summary>
    public Task<bool> DeadLetteringAsync(SubscriptionAddress address, ReceivedMessage message, string reason, string description) =>
        recorder.RecordDeadLetterAsync(Record(address, message.Envelope.Id, message.Envelope.CorrelationId, message.Envelope.Type, message.DeliveryCount, reason, description));

    /// <summary>The transport dead-lettered a message on its own (see <see cref="IDeadLetterObserver"/>).</summary>
    public void DeadLettered(TransportDeadLetter deadLetter) =>
        recorder.RecordDeadLetter(Record(deadLetter.Subscription, deadLetter.MessageId, deadLetter.Envelope?.CorrelationId ?? "", deadLetter.Envelope?.Type ?? "",
            deadLetter.DeliveryCount, deadLetter.Reason, deadLetter.Description ?? ""));

    private DeadLetterRecord Record(SubscriptionAddress address, string messageId, string correlationId, string type, int deliveryCount, string reason, string description) =>
        new()
        {
            Topic = address.Topic,
            Subscription = address.Subscription,
            MessageId = messageId,
            CorrelationId = correlationId,
            Type = type,
            Reason = reason,
            Description = Truncate(description, 2048),
            DeliveryCount = deliveryCount,
            DeadLetteredAt = timeProvider.GetUtcNow(),
            State = DeadLetterState.Open,
        };

    private static DeliveryAttempt Attempt(
        SubscriptionAddress address, ReceivedMessage message, DateTimeOffset startedAt, AttemptOutcome outcome,
        int? statusCode, TimeSpan duration, string? error, string? responseExcerpt) => new()
        {
            Topic = address.Topic,
            Subscription = address.Subscription,
            MessageId = message.Envelope.Id,
            CorrelationId = message.Envelope.CorrelationId,
            Attempt = message.DeliveryCount,
            StartedAt = startedAt,
            DurationMs = duration.TotalMilliseconds,
            StatusCode = statusCode,
            Outcome = outcome,
            Error = Truncate(error, 2048),
            ResponseExcerpt = Truncate(responseExcerpt, 1024),
        };

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
