using System.Diagnostics;
using Bridge.Subscriber.Endpoints;
using Bridge.Telemetry;
using Bridge.Webhooks;
using Bridge.Webhooks.Batches;

namespace Bridge.Subscriber.Delivery.Batches;

/// <summary>What a batch call's answer does to each of its envelopes.</summary>
internal sealed partial class BatchDeliveryProcessor
{
    private async Task SettleAsync(Batch batch, EndpointGuard guard, List<Member> sending, string batchId, DateTimeOffset startedAt, WebhookCallResult? called, Activity? activity)
    {
        var (definition, receiver, address) = (batch.Definition, batch.Receiver, batch.Definition.Address);
        var tags = Tags(address);
        if (called is not { } result)
        {
            // The circuit opened meanwhile: no call was made; the envelopes wait for the endpoint without spending an attempt.
            BridgeTelemetry.HeldForEndpoint.Add(sending.Count, tags);
            DeliverySettlement.Outcome(activity, "held");
            foreach (var member in sending)
            {
                await dedupe.SettledAsync(member.Claim, member.Message, delivered: false);
                await batch.SettledAsync(member.Message, settlement.ReleaseAsync(receiver, member.Message, address, TimeSpan.Zero));
            }
            return;
        }

        guard.Record(result);
        BridgeTelemetry.AttemptDuration.Record(result.Duration.TotalSeconds, tags);
        if (result.Outcome is AttemptOutcome.Failed or AttemptOutcome.Rejected)
        {
            MessagingSpans.Failed(activity, result.ErrorType ?? result.Outcome.ToString(), result.Error);
        }

        var excerpt = Excerpt(result.ResponseExcerpt);
        switch (result.Outcome)
        {
            case AttemptOutcome.Delivered:
                var rejections = WebhookBatch.Rejections(result.ResponseExcerpt);
                DeliverySettlement.Outcome(activity, rejections.Count == 0 ? "delivered" : "partly_rejected");
                LogDelivered(logger, batchId, address.ToString(), sending.Count, rejections.Count, result.StatusCode ?? 0, result.Duration.TotalMilliseconds);
                foreach (var member in sending)
                {
                    var message = member.Message;
                    if (rejections.TryGetValue(message.Envelope.Id, out var reason))
                    {
                        // Refused for good by the receiver while the call succeeded: this event alone is set aside, with its reason.
                        await dedupe.SettledAsync(member.Claim, message, delivered: false);
                        await audit.Attempted(address, message, startedAt, result with
                        {
                            Outcome = AttemptOutcome.Rejected,
                            Error = $"Rejected by the receiver in batch {batchId}: {reason}",
                            ErrorType = "rejected",
                        });
                        await batch.SettledAsync(message, settlement.DeadLetterAsync(receiver, message, address, DeliveryProcessor.RejectedReason,
                            $"HTTP {result.StatusCode}: the receiver rejected it in batch {batchId}: {reason}", tags));
                        continue;
                    }

                    await dedupe.SettledAsync(member.Claim, message, delivered: true);
                    await audit.Attempted(address, message, startedAt, result with { ResponseExcerpt = excerpt });
                    BridgeTelemetry.Delivered.Add(1, tags);
                    BridgeTelemetry.EndToEndLatency.Record((timeProvider.GetUtcNow() - message.Envelope.Time).TotalSeconds, tags);
                    await batch.SettledAsync(message, settlement.CompleteAsync(receiver, message, address));
                }
                break;

            case AttemptOutcome.Rejected:
                foreach (var member in sending)
                {
                    await dedupe.SettledAsync(member.Claim, member.Message, delivered: false);
                    await audit.Attempted(address, member.Message, startedAt, result with { ResponseExcerpt = excerpt });
                    await batch.SettledAsync(member.Message, settlement.DeadLetterAsync(receiver, member.Message, address, result.Refusal ?? DeliveryProcessor.RejectedReason,
                        $"{result.Error} (batch {batchId}): {excerpt}".TrimEnd(' ', ':'), tags));
                }
                break;

            case AttemptOutcome.Failed when guard.Holding:
                // The endpoint is down (open circuit or paused): the envelopes wait for it rather than spending their attempts.
                DeliverySettlement.Outcome(activity, "held");
                BridgeTelemetry.FailedAttempts.Add(sending.Count, tags);
                BridgeTelemetry.HeldForEndpoint.Add(sending.Count, tags);
                var wait = guard.HeldFailureDelay();
                foreach (var member in sending)
                {
                    await dedupe.SettledAsync(member.Claim, member.Message, delivered: false);
                    await audit.Attempted(address, member.Message, startedAt, result with { ResponseExcerpt = excerpt });
                    await batch.SettledAsync(member.Message, settlement.ReleaseAsync(receiver, member.Message, address, wait));
                }
                break;

            case AttemptOutcome.Failed:
                // The whole batch is retried: each envelope offered again after one delay, so they come back together.
                DeliverySettlement.Outcome(activity, "failed");
                var webhook = definition.PushTarget;
                var attempt = sending.Max(m => m.Message.DeliveryCount);
                var delay = RetryPolicy.NextDelay(attempt, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, result.RetryAfter, Random.Shared.NextDouble());
                LogRetrying(logger, batchId, address.ToString(), sending.Count, attempt, result.Error, delay.TotalMilliseconds);
                foreach (var member in sending)
                {
                    var message = member.Message;
                    await dedupe.SettledAsync(member.Claim, message, delivered: false);
                    await audit.Attempted(address, message, startedAt, result with { ResponseExcerpt = excerpt });
                    if (message.DeliveryCount >= webhook.MaxAttempts)
                    {
                        await batch.SettledAsync(message, settlement.DeadLetterAsync(receiver, message, address, DeliveryProcessor.MaxAttemptsReason,
                            $"{message.DeliveryCount} attempt(s) failed; last: {result.Error} (batch {batchId})", tags));
                        continue;
                    }
                    BridgeTelemetry.FailedAttempts.Add(1, tags);
                    await batch.SettledAsync(message, settlement.AbandonAsync(receiver, message, address, delay));
                }
                break;

            default:
                // Cut off by shutdown: handed back without spending an attempt.
                DeliverySettlement.Outcome(activity, "held");
                foreach (var member in sending)
                {
                    await dedupe.SettledAsync(member.Claim, member.Message, delivered: false);
                    await batch.SettledAsync(member.Message, settlement.ReleaseAsync(receiver, member.Message, address, TimeSpan.Zero));
                }
                break;
        }
    }

    /// <summary>The start of an answer, as an attempt keeps it (a batch's answer is read further, for its rejections).</summary>
    private static string? Excerpt(string? answer) => answer is { Length: > 1024 } ? answer[..1024] : answer;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivered batch {BatchId} of {Count} envelope(s) to {Subscription} ({Rejected} rejected by the receiver): HTTP {Status} in {Milliseconds:0.0} ms")]
    private static partial void LogDelivered(ILogger logger, string batchId, string subscription, int count, int rejected, int status, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch {BatchId} of {Count} envelope(s) to {Subscription} failed on attempt {Attempt} ({Error}); retrying the whole batch in {DelayMs:0} ms")]
    private static partial void LogRetrying(ILogger logger, string batchId, string subscription, int count, int attempt, string? error, double delayMs);
}
