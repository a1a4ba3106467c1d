using System.Diagnostics;
using Bridge.Messaging;
using Bridge.Telemetry;
using Bridge.Topology;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// How delivery settles an envelope with the broker, for one envelope per call (<see cref="DeliveryProcessor"/>) and for
/// batches (<see cref="Batches.BatchDeliveryProcessor"/>) alike: each settlement under its settle span, a lost lock or a
/// failed settlement logged (the broker delivers again), and a dead letter counted, logged and recorded in the store
/// before the broker moves it.
/// </summary>
internal sealed partial class DeliverySettlement(DeliveryAudit audit, ILogger<DeliveryProcessor> logger)
{
    /// <summary>Dead-letters <paramref name="message"/> with <paramref name="reason"/>, once the store has its record.</summary>
    public async Task DeadLetterAsync(ISubscriptionReceiver receiver, ReceivedMessage message, SubscriptionAddress address, string reason, string description, TagList tags)
    {
        BridgeTelemetry.FailedAttempts.Add(1, tags);
        tags.Add("reason", reason);
        BridgeTelemetry.DeadLettered.Add(1, tags);
        LogDeadLettered(logger, message.Envelope.Id, address.ToString(), reason, description);
        if (!await audit.DeadLetteringAsync(address, message, reason, description))
        {
            LogDeadLetterUnrecorded(logger, message.Envelope.Id, address.ToString(), reason);
        }
        Outcome(Activity.Current, "dead_lettered");
        await SettleAsync(MessagingSpans.DeadLetter, () => receiver.DeadLetterAsync(message, reason, description, CancellationToken.None), message, address,
            reason: reason, description: description);
    }

    /// <summary>
    /// Settles the delivery with <paramref name="operation"/> under its settle span: with the redelivery delay of an
    /// abandon or release, and the reason (also its <c>error.type</c>) and description of a dead-lettering.
    /// </summary>
    public async Task SettleAsync(string operation, Func<Task> settle, ReceivedMessage message, SubscriptionAddress address,
        TimeSpan? redeliveryDelay = null, string? reason = null, string? description = null)
    {
        using var span = MessagingSpans.StartSettle(operation, message, address);
        if (span is { IsAllDataRequested: true })
        {
            if (redeliveryDelay is { } delay)
            {
                span.SetTag(MessagingAttributes.RedeliveryDelay, delay.TotalSeconds);
            }
            if (reason is not null)
            {
                span.SetTag(MessagingAttributes.DeadLetterReason, reason);
                span.SetTag(MessagingAttributes.DeadLetterDescription, description);
                MessagingSpans.Failed(span, reason, description);
            }
        }

        try
        {
            await settle();
        }
        catch (MessageLockLostException ex)
        {
            MessagingSpans.Failed(span, ex.GetType().FullName!, ex.Message);
            LogLockLost(logger, ex, message.Envelope.Id);
        }
#pragma warning disable CA1031 // The lock expires and the broker delivers again: nothing is lost, but say so.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            MessagingSpans.Failed(span, ex.GetType().FullName!, ex.Message);
            LogSettleFailed(logger, ex, message.Envelope.Id, address.ToString());
        }
    }

    /// <summary>Completes <paramref name="message"/>: delivered, or needs no delivery.</summary>
    public Task CompleteAsync(ISubscriptionReceiver receiver, ReceivedMessage message, SubscriptionAddress address) =>
        SettleAsync(MessagingSpans.Complete, () => receiver.CompleteAsync(message, CancellationToken.None), message, address);

    /// <summary>Hands <paramref name="message"/> back without spending a delivery, offered again after <paramref name="delay"/>.</summary>
    public Task ReleaseAsync(ISubscriptionReceiver receiver, ReceivedMessage message, SubscriptionAddress address, TimeSpan delay) =>
        SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, delay, CancellationToken.None), message, address, delay);

    /// <summary>Abandons <paramref name="message"/> after a failed attempt: delivered again after <paramref name="delay"/>.</summary>
    public Task AbandonAsync(ISubscriptionReceiver receiver, ReceivedMessage message, SubscriptionAddress address, TimeSpan delay) =>
        SettleAsync(MessagingSpans.Abandon, () => receiver.AbandonAsync(message, delay, CancellationToken.None), message, address, delay);

    /// <summary>Sets the delivery's outcome on its span (<c>delivered</c>, <c>failed</c>, <c>held</c>, …).</summary>
    public static void Outcome(Activity? activity, string outcome)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingAttributes.DeliveryOutcome, outcome);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered {MessageId} of {Subscription}: {Reason} ({Description})")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string subscription, string reason, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "The dead letter of {MessageId} on {Subscription} ({Reason}) could not be confirmed in the store in time; the envelope is dead-lettered in the broker anyway, and the audit writer logs the record if it cannot write it")]
    private static partial void LogDeadLetterUnrecorded(ILogger logger, string messageId, string subscription, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lock on {MessageId} was lost; the broker will deliver it again")]
    private static partial void LogLockLost(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling {MessageId} of {Subscription} failed; its lock will expire and it will be delivered again")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string messageId, string subscription);
}
