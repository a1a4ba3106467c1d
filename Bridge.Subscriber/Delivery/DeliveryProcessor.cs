using System.Diagnostics;
using Bridge.Dedupe;
using Bridge.Messaging;
using Bridge.Subscriber.Dedupe;
using Bridge.Subscriber.Endpoints;
using Bridge.Telemetry;
using Bridge.Threading;
using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// Delivers one received envelope: calls the webhook while renewing the lock, records the attempt, then completes,
/// retries (abandon with backoff) or dead-letters it with a reason. The caller learns when the webhook call is over
/// (<c>callEnded</c>), before the envelope is settled, so its next call need not wait for the broker.
/// </summary>
internal sealed partial class DeliveryProcessor(
    WebhookClient webhooks,
    DedupeGate dedupe,
    EndpointRegistry endpoints,
    DeliveryAudit audit,
    TimeProvider timeProvider,
    ILogger<DeliveryProcessor> logger)
{
    public const string RejectedReason = "WebhookRejected";
    public const string MaxAttemptsReason = "MaxAttemptsExceeded";
    public const string ContractMismatchReason = "ContractVersionMismatch";

    public async Task ProcessAsync(SubscriptionDefinition definition, ISubscriptionReceiver receiver, ReceivedMessage message, CancellationToken stopping, CancellationToken abort, Action? callEnded = null)
    {
        try
        {
            await DeliverAsync(definition, receiver, message, stopping, abort, callEnded);
        }
#pragma warning disable CA1031 // Never lose track of a message: log, and let the broker deliver it again after a pause.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnexpected(logger, ex, message.Envelope.Id, definition.Address.ToString(), message.Envelope.CorrelationId);
            if (message.DeliveryCount >= definition.PushTarget.MaxAttempts)
            {
                // Never left to the transport's own limit: a dead-lettering is always logged and recorded here.
                var tags = new TagList { { "topic", definition.Address.Topic }, { "subscription", definition.Address.Subscription } };
                await DeadLetterAsync(receiver, message, definition.Address, MaxAttemptsReason, $"{message.DeliveryCount} deliveries failed; last: {ex.GetType().Name}: {ex.Message}", tags);
                return;
            }
            var webhook = definition.PushTarget;
            var delay = RetryPolicy.NextDelay(message.DeliveryCount, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, null, Random.Shared.NextDouble());
            await SettleAsync(MessagingSpans.Abandon, () => receiver.AbandonAsync(message, delay, CancellationToken.None), message, definition.Address, delay);
        }
    }

    private async Task DeliverAsync(SubscriptionDefinition definition, ISubscriptionReceiver receiver, ReceivedMessage message, CancellationToken stopping, CancellationToken abort, Action? callEnded)
    {
        var envelope = message.Envelope;
        var address = definition.Address;
        using var activity = MessagingSpans.StartProcess(message, address, timeProvider.GetUtcNow());
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["CorrelationId"] = envelope.CorrelationId,
            ["MessageId"] = envelope.Id,
            ["Subscription"] = address.ToString(),
            ["Attempt"] = message.DeliveryCount,
        });

        if (stopping.IsCancellationRequested)
        {
            Outcome(activity, "held");
            await SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None), message, address, TimeSpan.Zero);
            return;
        }

        var tags = new TagList { { "topic", address.Topic }, { "subscription", address.Subscription } };
        if (definition.Contract?.Mismatch(envelope) is { } mismatch)
        {
            // Never delivered and never dropped: set aside with the reason, for an operator to replay once the contract is met.
            callEnded?.Invoke();
            MessagingSpans.Failed(activity, ContractMismatchReason, mismatch);
            await DeadLetterAsync(receiver, message, address, ContractMismatchReason, mismatch, tags);
            return;
        }

        var (body, undeliverable) = UndeliverableEnvelope.Prepare(message);
        if (undeliverable is not null)
        {
            // Local to the envelope, not the endpoint's fault: set aside at once, never counted against its breaker or pause.
            callEnded?.Invoke();
            MessagingSpans.Failed(activity, UndeliverableEnvelope.Reason, undeliverable);
            await DeadLetterAsync(receiver, message, address, UndeliverableEnvelope.Reason, undeliverable, tags);
            return;
        }

        var claim = await dedupe.ClaimAsync(definition, message, abort);
        if (claim.Outcome == DedupeOutcome.AlreadyDelivered)
        {
            // Delivered before, but its completion was lost (a crash, an expired lock): complete without a second call.
            callEnded?.Invoke();
            BridgeTelemetry.DedupeHits.Add(1, tags);
            audit.Duplicate(address, message);
            LogAlreadyDelivered(logger, envelope.Id, address.ToString(), message.DeliveryCount);
            Outcome(activity, "duplicate");
            await SettleAsync(MessagingSpans.Complete, () => receiver.CompleteAsync(message, CancellationToken.None), message, address);
            return;
        }

        if (claim.Outcome == DedupeOutcome.InProgress)
        {
            // Another subscriber is calling the webhook with it right now (or died doing so: its claim frees within a
            // lease). Waiting on it is not an attempt: hand it back without spending a delivery and look again later.
            callEnded?.Invoke();
            var wait = dedupe.InProgressDelay;
            LogInProgress(logger, envelope.Id, address.ToString(), wait.TotalSeconds);
            Outcome(activity, "held");
            await SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, wait, CancellationToken.None), message, address, wait);
            return;
        }

        var guard = endpoints.Get(definition);
        var startedAt = timeProvider.GetUtcNow();
        WebhookCallResult? called;
        using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(abort))
        {
            var keepAlive = KeepAliveAsync(receiver, message, definition.Spec.LockDuration, claim, renewing.Token);
            try
            {
                called = await guard.CallAsync(token => webhooks.SendAsync(definition.PushTarget, message, body, token), abort);
            }
            finally
            {
                await renewing.CancelAsync();
                await keepAlive;
            }
        }

        callEnded?.Invoke();
        await dedupe.SettledAsync(claim, message, delivered: called?.Outcome == AttemptOutcome.Delivered);
        if (called is not { } result)
        {
            // The circuit opened meanwhile: no call was made; the envelope waits for the endpoint without spending an attempt.
            BridgeTelemetry.HeldForEndpoint.Add(1, tags);
            LogHeld(logger, envelope.Id, address.ToString(), "its circuit is open");
            Outcome(activity, "held");
            await SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None), message, address, TimeSpan.Zero);
            return;
        }

        guard.Record(result, envelope.Id);

        await audit.Attempted(address, message, startedAt, result);
        BridgeTelemetry.AttemptDuration.Record(result.Duration.TotalSeconds, tags);
        if (result.Outcome is AttemptOutcome.Failed or AttemptOutcome.Rejected)
        {
            MessagingSpans.Failed(activity, result.ErrorType ?? result.Outcome.ToString(), result.Error);
        }

        switch (result.Outcome)
        {
            case AttemptOutcome.Delivered:
                BridgeTelemetry.Delivered.Add(1, tags);
                BridgeTelemetry.EndToEndLatency.Record((timeProvider.GetUtcNow() - envelope.Time).TotalSeconds, tags);
                LogDelivered(logger, envelope.Id, address.ToString(), result.StatusCode ?? 0, message.DeliveryCount, result.Duration.TotalMilliseconds);
                Outcome(activity, "delivered");
                await SettleAsync(MessagingSpans.Complete, () => receiver.CompleteAsync(message, CancellationToken.None), message, address);
                break;

            case AttemptOutcome.Rejected:
                await DeadLetterAsync(receiver, message, address, result.Refusal ?? RejectedReason, $"{result.Error}: {result.ResponseExcerpt}".TrimEnd(' ', ':'), tags);
                break;

            case AttemptOutcome.Failed when guard.Holding:
                // The endpoint is down (open circuit or paused): the envelope waits for it rather than spending its attempts.
                Outcome(activity, "held");
                BridgeTelemetry.FailedAttempts.Add(1, tags);
                BridgeTelemetry.HeldForEndpoint.Add(1, tags);
                var wait = guard.HeldFailureDelay(envelope.Id);
                LogHeld(logger, envelope.Id, address.ToString(), $"attempt {message.DeliveryCount} failed ({result.Error}) while the endpoint is held; offered again in {wait.TotalSeconds:0.#} s");
                await SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, wait, CancellationToken.None), message, address, wait);
                break;

            case AttemptOutcome.Failed when message.DeliveryCount >= definition.PushTarget.MaxAttempts:
                await DeadLetterAsync(receiver, message, address, MaxAttemptsReason,
                    $"{message.DeliveryCount} attempt(s) failed; last: {result.Error}", tags);
                break;

            case AttemptOutcome.Failed:
                Outcome(activity, "failed");
                BridgeTelemetry.FailedAttempts.Add(1, tags);
                var webhook = definition.PushTarget;
                var delay = RetryPolicy.NextDelay(message.DeliveryCount, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, result.RetryAfter, Random.Shared.NextDouble());
                LogRetrying(logger, envelope.Id, address.ToString(), message.DeliveryCount, result.Error, delay.TotalMilliseconds);
                await SettleAsync(MessagingSpans.Abandon, () => receiver.AbandonAsync(message, delay, CancellationToken.None), message, address, delay);
                break;

            default:
                // Cut off by shutdown: hand it back without spending an attempt.
                Outcome(activity, "held");
                await SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None), message, address, TimeSpan.Zero);
                break;
        }
    }

    private async Task DeadLetterAsync(ISubscriptionReceiver receiver, ReceivedMessage message, SubscriptionAddress address, string reason, string description, TagList tags)
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

    private static void Outcome(Activity? activity, string outcome)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingAttributes.DeliveryOutcome, outcome);
        }
    }

    /// <summary>
    /// While the call runs: renews the envelope's lock every half lock duration and the dedupe claim every third of its
    /// lease, on one timer (a delivery pays for one wait, not one per thing it keeps). A lost lock or claim is logged
    /// and no longer renewed; the call goes on either way.
    /// </summary>
    private async Task KeepAliveAsync(ISubscriptionReceiver receiver, ReceivedMessage message, TimeSpan lockDuration, DedupeClaim claim, CancellationToken cancellationToken)
    {
        var lockEvery = lockDuration / 2;
        var claimEvery = dedupe.RenewalInterval(claim);
        var tick = claimEvery is { } every && every < lockEvery ? every : lockEvery;
        TimeSpan? lockDue = lockEvery, claimDue = claimEvery;
        var elapsed = TimeSpan.Zero;
        try
        {
            while ((lockDue is not null || claimDue is not null) && await Pause.ForAsync(tick, timeProvider, cancellationToken))
            {
                elapsed += tick;
                if (lockDue is { } lockAt && elapsed >= lockAt)
                {
                    lockDue = await RenewLockAsync(receiver, message, cancellationToken) ? elapsed + lockEvery : null;
                }
                if (claimDue is { } claimAt && elapsed >= claimAt)
                {
                    claimDue = await dedupe.RenewAsync(claim, message, cancellationToken) ? elapsed + claimEvery : null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The attempt ended.
        }
    }

    private async Task<bool> RenewLockAsync(ISubscriptionReceiver receiver, ReceivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await receiver.RenewLockAsync(message, cancellationToken);
            return true;
        }
        catch (MessageLockLostException ex)
        {
            LogLockLost(logger, ex, message.Envelope.Id);
            return false;
        }
    }

    /// <summary>
    /// Settles the delivery with <paramref name="operation"/> under its settle span: with the redelivery delay of an
    /// abandon or release, and the reason (also its <c>error.type</c>) and description of a dead-lettering.
    /// </summary>
    private async Task SettleAsync(string operation, Func<Task> settle, ReceivedMessage message, SubscriptionAddress address,
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering {MessageId} to {Subscription} failed unexpectedly (correlation {CorrelationId}); it will be delivered again")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string messageId, string subscription, string correlationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered {MessageId} to {Subscription}: HTTP {Status} on attempt {Attempt} in {Milliseconds:0.0} ms")]
    private static partial void LogDelivered(ILogger logger, string messageId, string subscription, int status, int attempt, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{MessageId} was already delivered to {Subscription}; delivery {Attempt} completed without a webhook call")]
    private static partial void LogAlreadyDelivered(ILogger logger, string messageId, string subscription, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{MessageId} of {Subscription} is being delivered by another subscriber; looking again in {Seconds:0.#} s without spending a delivery")]
    private static partial void LogInProgress(ILogger logger, string messageId, string subscription, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{MessageId} of {Subscription} waits for its endpoint: {Why}")]
    private static partial void LogHeld(ILogger logger, string messageId, string subscription, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attempt {Attempt} of {MessageId} to {Subscription} failed ({Error}); retrying in {DelayMs:0} ms")]
    private static partial void LogRetrying(ILogger logger, string messageId, string subscription, int attempt, string? error, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettered {MessageId} of {Subscription}: {Reason} ({Description})")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string subscription, string reason, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "The dead letter of {MessageId} on {Subscription} ({Reason}) could not be confirmed in the store in time; the envelope is dead-lettered in the broker anyway, and the audit writer logs the record if it cannot write it")]
    private static partial void LogDeadLetterUnrecorded(ILogger logger, string messageId, string subscription, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lock on {MessageId} was lost; the broker will deliver it again")]
    private static partial void LogLockLost(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling {MessageId} of {Subscription} failed; its lock will expire and it will be delivered again")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string messageId, string subscription);
}
