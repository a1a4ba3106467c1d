using System.Diagnostics;
using Bridge.Dedupe;
using Bridge.Messaging;
using Bridge.Subscriber.Dedupe;
using Bridge.Subscriber.Endpoints;
using Bridge.Telemetry;
using Bridge.Topology;
using Bridge.Webhooks;
using Bridge.Webhooks.Batches;
using Bridge.Webhooks.Projection;

namespace Bridge.Subscriber.Delivery.Batches;

/// <summary>
/// Delivers one batch of received envelopes in one call (<see cref="WebhookBatch"/>). Each envelope first passes the
/// checks a single delivery makes — contract, deliverability, projection, dedupe — and is settled on its own when it
/// fails one; the rest go in one signed call while every lock and claim is renewed. Then each envelope's attempt is
/// recorded and settled by the answer (<see cref="SettleAsync"/>): a 2xx completes all but the events the receiver
/// refused for good, which are dead-lettered with its reason; a failure retries the whole batch (each envelope abandoned
/// with one delay, or dead-lettered at its last attempt); a permanent refusal dead-letters all.
/// </summary>
internal sealed partial class BatchDeliveryProcessor(
    WebhookClient webhooks,
    DedupeGate dedupe,
    EndpointRegistry endpoints,
    DeliveryAudit audit,
    DeliverySettlement settlement,
    LeaseKeeper leases,
    TimeProvider timeProvider,
    ILogger<BatchDeliveryProcessor> logger)
{
    public async Task ProcessAsync(SubscriptionDefinition definition, ISubscriptionReceiver receiver, IReadOnlyList<ReceivedMessage> messages, CancellationToken stopping, CancellationToken abort, Action callEnded)
    {
        var open = new HashSet<ReceivedMessage>(messages, ReferenceEqualityComparer.Instance);
        try
        {
            await DeliverAsync(new Batch(definition, receiver, open), messages, stopping, abort, callEnded);
        }
#pragma warning disable CA1031 // Never lose track of a message: log, and let the broker deliver what is unsettled again after a pause.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnexpected(logger, ex, definition.Address.ToString(), open.Count);
            var tags = Tags(definition.Address);
            foreach (var message in open.ToList())
            {
                if (message.DeliveryCount >= definition.PushTarget.MaxAttempts)
                {
                    await settlement.DeadLetterAsync(receiver, message, definition.Address, DeliveryProcessor.MaxAttemptsReason,
                        $"{message.DeliveryCount} deliveries failed; last: {ex.GetType().Name}: {ex.Message}", tags);
                }
                else
                {
                    await settlement.AbandonAsync(receiver, message, definition.Address, definition.PushTarget.RetryBaseDelay);
                }
            }
        }
        finally
        {
            callEnded();
        }
    }

    private async Task DeliverAsync(Batch batch, IReadOnlyList<ReceivedMessage> messages, CancellationToken stopping, CancellationToken abort, Action callEnded)
    {
        var (definition, address) = (batch.Definition, batch.Definition.Address);
        if (stopping.IsCancellationRequested)
        {
            await batch.EachAsync(batch.Open, m => settlement.ReleaseAsync(batch.Receiver, m, address, TimeSpan.Zero));
            return;
        }

        var sending = new List<Member>(messages.Count);
        foreach (var message in messages)
        {
            if (await PrepareAsync(batch, message, abort) is { } member)
            {
                sending.Add(member);
            }
        }
        if (sending.Count == 0)
        {
            return;
        }

        var envelopes = sending.ConvertAll(m => m.Message.Envelope);
        var batchId = WebhookBatch.Id(address, envelopes);
        var body = WebhookBatch.Body(sending.ConvertAll(m => m.Element));
        var sent = sending.ConvertAll(m => m.Message);
        using var activity = MessagingSpans.StartProcessBatch(sent, address, batchId);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["BatchId"] = batchId, ["Subscription"] = address.ToString(), ["Events"] = sending.Count });

        var guard = endpoints.Get(definition);
        var startedAt = timeProvider.GetUtcNow();
        WebhookCallResult? called;
        using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(abort))
        {
            var keepAlive = leases.KeepAsync(batch.Receiver, sent, sending.ConvertAll(m => m.Claim), definition.Spec.LockDuration, renewing.Token);
            try
            {
                called = await guard.CallAsync(token => webhooks.SendBatchAsync(definition.PushTarget, batchId, body, token), abort);
            }
            finally
            {
                await renewing.CancelAsync();
                await keepAlive;
            }
        }

        callEnded();
        await SettleAsync(batch, guard, sending, batchId, startedAt, called, activity);
    }

    /// <summary>
    /// The envelope's element of the batch with its dedupe claim; or null when it was settled on its own: a contract it
    /// misses, an envelope that cannot be sent or projected (dead-lettered), delivered before (completed) or being
    /// delivered by another subscriber (released).
    /// </summary>
    private async Task<Member?> PrepareAsync(Batch batch, ReceivedMessage message, CancellationToken abort)
    {
        var (definition, receiver, address) = (batch.Definition, batch.Receiver, batch.Definition.Address);
        var tags = Tags(address);
        if (definition.Contract?.Mismatch(message.Envelope) is { } mismatch)
        {
            await batch.SettledAsync(message, settlement.DeadLetterAsync(receiver, message, address, DeliveryProcessor.ContractMismatchReason, mismatch, tags));
            return null;
        }

        var (structured, undeliverable) = UndeliverableEnvelope.Prepare(message);
        if (undeliverable is not null)
        {
            await batch.SettledAsync(message, settlement.DeadLetterAsync(receiver, message, address, UndeliverableEnvelope.Reason, undeliverable, tags));
            return null;
        }

        if (!WebhookBatch.TryElement(definition.PushTarget, message.Envelope, structured, out var element, out var unprojectable))
        {
            // Permanent, as for a single call: the same data will never project. It leaves the batch; no call is made for it.
            var refused = new WebhookCallResult(AttemptOutcome.Rejected, null, TimeSpan.Zero, unprojectable, null, null) { ErrorType = WebhookProjection.ErrorType };
            await audit.Attempted(address, message, timeProvider.GetUtcNow(), refused);
            await batch.SettledAsync(message, settlement.DeadLetterAsync(receiver, message, address, DeliveryProcessor.RejectedReason, unprojectable, tags));
            return null;
        }

        var claim = await dedupe.ClaimAsync(definition, message, abort);
        if (claim.Outcome == DedupeOutcome.AlreadyDelivered)
        {
            BridgeTelemetry.DedupeHits.Add(1, tags);
            audit.Duplicate(address, message);
            await batch.SettledAsync(message, settlement.CompleteAsync(receiver, message, address));
            return null;
        }

        if (claim.Outcome == DedupeOutcome.InProgress)
        {
            await batch.SettledAsync(message, settlement.ReleaseAsync(receiver, message, address, dedupe.InProgressDelay));
            return null;
        }
        return new Member(message, claim, element);
    }

    private static TagList Tags(SubscriptionAddress address) => new() { { "topic", address.Topic }, { "subscription", address.Subscription } };

    /// <summary>An envelope going in the call: its dedupe claim and its element of the body.</summary>
    private sealed record Member(ReceivedMessage Message, DedupeClaim Claim, ReadOnlyMemory<byte> Element);

    /// <summary>The batch being delivered, and which of its envelopes are not settled yet.</summary>
    private sealed record Batch(SubscriptionDefinition Definition, ISubscriptionReceiver Receiver, HashSet<ReceivedMessage> Open)
    {
        public async Task SettledAsync(ReceivedMessage message, Task settling)
        {
            await settling;
            Open.Remove(message);
        }

        public async Task EachAsync(IEnumerable<ReceivedMessage> messages, Func<ReceivedMessage, Task> settle)
        {
            foreach (var message in messages.ToList())
            {
                await SettledAsync(message, settle(message));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering a batch to {Subscription} failed unexpectedly; its {Count} unsettled envelope(s) will be delivered again")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string subscription, int count);

}
