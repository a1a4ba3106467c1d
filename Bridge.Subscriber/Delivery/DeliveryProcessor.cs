using System.Diagnostics;
using Bridge.Dedupe;
using Bridge.Messaging;
using Bridge.Subscriber.Dedupe;
using Bridge.Subscriber.Endpoints;
using Bridge.Telemetry;
using Bridge.Topology;
using Bridge.Webhooks;
using Bridge.Webhooks.Projection;

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
    DeliverySettlement settlement,
    LeaseKeeper leases,
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
                await settlement.DeadLetterAsync(receiver, message, definition.Address, MaxAttemptsReason, $"{message.DeliveryCount} deliveries failed; last: {ex.GetType().Name}: {ex.Message}", tags);
                return;
            }
            var webhook = definition.PushTarget;
            var delay = RetryPolicy.NextDelay(message.DeliveryCount, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, null, Random.Shared.NextDouble());
            await settlement.AbandonAsync(receiver, message, definition.Address, delay);
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
            DeliverySettlement.Outcome(activity, "held");
            await settlement.SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None), message, address, TimeSpan.Zero);
            return;
        }

        var tags = new TagList { { "topic", address.Topic }, { "subscription", address.Subscription } };
        if (definition.Contract?.Mismatch(envelope) is { } mismatch)
        {
            // Never delivered and never dropped: set aside with the reason, for an operator to replay once the contract is met.
            callEnded?.Invoke();
            MessagingSpans.Failed(activity, ContractMismatchReason, mismatch);
            await settlement.DeadLetterAsync(receiver, message, address, ContractMismatchReason, mismatch, tags);
            return;
        }

        var (body, undeliverable) = UndeliverableEnvelope.Prepare(message);
        if (undeliverable is not null)
        {
            // Local to the envelope, not the endpoint's fault: set aside at once, never counted against its breaker or pause.
            callEnded?.Invoke();
            MessagingSpans.Failed(activity, UndeliverableEnvelope.Reason, undeliverable);
            await settlement.DeadLetterAsync(receiver, message, address, UndeliverableEnvelope.Reason, undeliverable, tags);
            return;
        }

        if (!WebhookSender.TryPrepare(definition.PushTarget, envelope, body, out var prepared, out var unprojectable))
        {
            // Permanent and no call is made: dead-lettered at once, never counted for or against the endpoint.
            callEnded?.Invoke();
            await audit.Attempted(address, message, timeProvider.GetUtcNow(), unprojectable!);
            MessagingSpans.Failed(activity, WebhookProjection.ErrorType, unprojectable!.Error);
            await settlement.DeadLetterAsync(receiver, message, address, RejectedReason, unprojectable.Error ?? WebhookProjection.ErrorType, tags);
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
            DeliverySettlement.Outcome(activity, "duplicate");
            await settlement.SettleAsync(MessagingSpans.Complete, () => receiver.CompleteAsync(message, CancellationToken.None), message, address);
            return;
        }

        if (claim.Outcome == DedupeOutcome.InProgress)
        {
            // Another subscriber is calling the webhook with it right now (or died doing so: its claim frees within a
            // lease). Waiting on it is not an attempt: hand it back without spending a delivery and look again later.
            callEnded?.Invoke();
            var wait = dedupe.InProgressDelay;
            LogInProgress(logger, envelope.Id, address.ToString(), wait.TotalSeconds);
            DeliverySettlement.Outcome(activity, "held");
            await settlement.SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, wait, CancellationToken.None), message, address, wait);
            return;
        }

        var guard = endpoints.Get(definition);
        var startedAt = timeProvider.GetUtcNow();
        WebhookCallResult? called;
        using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(abort))
        {
            var keepAlive = leases.KeepAsync(receiver, [message], [claim], definition.Spec.LockDuration, renewing.Token);
            try
            {
                called = await guard.CallAsync(token => webhooks.SendAsync(definition.PushTarget, prepared, token), abort);
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
            DeliverySettlement.Outcome(activity, "held");
            await settlement.SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None), message, address, TimeSpan.Zero);
            return;
        }

        guard.Record(result);

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
                DeliverySettlement.Outcome(activity, "delivered");
                await settlement.SettleAsync(MessagingSpans.Complete, () => receiver.CompleteAsync(message, CancellationToken.None), message, address);
                break;

            case AttemptOutcome.Rejected:
                await settlement.DeadLetterAsync(receiver, message, address, result.Refusal ?? RejectedReason, $"{result.Error}: {result.ResponseExcerpt}".TrimEnd(' ', ':'), tags);
                break;

            case AttemptOutcome.Failed when guard.Holding:
                // The endpoint is down (open circuit or paused): the envelope waits for it rather than spending its attempts.
                DeliverySettlement.Outcome(activity, "held");
                BridgeTelemetry.FailedAttempts.Add(1, tags);
                BridgeTelemetry.HeldForEndpoint.Add(1, tags);
                var wait = guard.HeldFailureDelay();
                LogHeld(logger, envelope.Id, address.ToString(), $"attempt {message.DeliveryCount} failed ({result.Error}) while the endpoint is held; offered again in {wait.TotalSeconds:0.#} s");
                await settlement.SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, wait, CancellationToken.None), message, address, wait);
                break;

            case AttemptOutcome.Failed when message.DeliveryCount >= definition.PushTarget.MaxAttempts:
                await settlement.DeadLetterAsync(receiver, message, address, MaxAttemptsReason,
                    $"{message.DeliveryCount} attempt(s) failed; last: {result.Error}", tags);
                break;

            case AttemptOutcome.Failed:
                DeliverySettlement.Outcome(activity, "failed");
                BridgeTelemetry.FailedAttempts.Add(1, tags);
                var webhook = definition.PushTarget;
                var delay = RetryPolicy.NextDelay(message.DeliveryCount, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, result.RetryAfter, Random.Shared.NextDouble());
                LogRetrying(logger, envelope.Id, address.ToString(), message.DeliveryCount, result.Error, delay.TotalMilliseconds);
                await settlement.SettleAsync(MessagingSpans.Abandon, () => receiver.AbandonAsync(message, delay, CancellationToken.None), message, address, delay);
                break;

            default:
                // Cut off by shutdown: hand it back without spending an attempt.
                DeliverySettlement.Outcome(activity, "held");
                await settlement.SettleAsync(MessagingSpans.Release, () => receiver.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None), message, address, TimeSpan.Zero);
                break;
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

}
