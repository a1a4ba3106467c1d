using Bridge.Messaging;
using Bridge.Subscriber.Endpoints;
using Bridge.Telemetry;
using Bridge.Threading;
using Bridge.Topology;
using Bridge.Webhooks.Batches;

namespace Bridge.Subscriber.Delivery.Batches;

/// <summary>
/// The delivery loop of a subscription with batching (<see cref="WebhookBatching"/>), in place of the
/// <see cref="SubscriptionWorker"/>: gathers received envelopes until it holds <c>MaxEvents</c> or <c>MaxWait</c> has passed
/// since the first, and hands each batch to a <see cref="BatchDeliveryProcessor"/> — one call per batch, up to
/// <c>Concurrency</c> batches in flight, one call of the rate limit each. Per-key order needs nothing more: the transport
/// hands out one envelope per ordering key at a time (the next only once it is settled), so a batch holds at most one of
/// each key and a retried envelope keeps its key's successors waiting. Receives nothing while its endpoint is held (see
/// <see cref="EndpointGuard"/>) but for the probe, whose batch is the probe call.
/// </summary>
internal sealed partial class BatchWorker(
    SubscriptionDefinition definition,
    ISubscriptionReceiver receiver,
    EndpointGuard guard,
    BatchDeliveryProcessor processor,
    DeliverySettlement settlement,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(5);
    private readonly InFlightCalls _calls = new(guard);
    private readonly WebhookBatching _batching = definition.PushTarget.Batch ?? throw new ArgumentException("The subscription does not batch.", nameof(definition));

    /// <summary>Runs until <paramref name="stopping"/>; <paramref name="abort"/> cancels batches still running.</summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        var concurrency = definition.PushTarget.Concurrency;
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            EndpointTurn turn;
            try
            {
                turn = await guard.WaitForTurnAsync(stopping);
                await slots.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            List<ReceivedMessage> messages;
            try
            {
                await guard.AcquireCallsAsync(1, stopping);
                messages = await CollectAsync(stopping);
                failures = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                EndTurn(turn, slots);
                break;
            }
#pragma warning disable CA1031 // A broker hiccup must not end the loop: log, back off, go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                EndTurn(turn, slots);
                failures++;
                LogReceiveFailed(logger, ex, definition.Address.ToString(), failures);
                await Pause.ForAsync(ReceiveBackoff.After(failures), TimeProvider.System, stopping);
                continue;
            }

            if (messages.Count == 0)
            {
                EndTurn(turn, slots);
                continue;
            }

            if (!turn.IsProbe && guard.Holding)
            {
                // Paused or open-circuited while the batch gathered: hand it back without a call.
                await HandBackAsync(messages);
                slots.Release();
                continue;
            }

            _calls.Start(callEnded => processor.ProcessAsync(definition, receiver, messages, stopping, abort, callEnded), turn.IsProbe, slots);
        }

        await _calls.WhenAllEndedAsync();
    }

    /// <summary>
    /// Waits up to <see cref="ReceiveWait"/> for a first envelope, then receives more until the batch is full or its wait
    /// since the first is over. What it holds is handed back when a receive fails or the worker stops meanwhile.
    /// </summary>
    private async Task<List<ReceivedMessage>> CollectAsync(CancellationToken stopping)
    {
        var batch = new List<ReceivedMessage>(Math.Min(_batching.MaxEvents, 64));
        batch.AddRange(await receiver.ReceiveAsync(_batching.MaxEvents, ReceiveWait, stopping));
        if (batch.Count == 0)
        {
            return batch;
        }

        var deadline = time.GetUtcNow() + _batching.MaxWait;
        try
        {
            while (batch.Count < _batching.MaxEvents && deadline - time.GetUtcNow() is var left && left > TimeSpan.Zero)
            {
                batch.AddRange(await receiver.ReceiveAsync(_batching.MaxEvents - batch.Count, left, stopping));
            }
        }
        catch
        {
            foreach (var message in batch)
            {
                await settlement.ReleaseAsync(receiver, message, definition.Address, TimeSpan.Zero);
            }
            throw;
        }
        return batch;
    }

    private void EndTurn(EndpointTurn turn, SemaphoreSlim slots)
    {
        slots.Release();
        if (turn.IsProbe)
        {
            guard.EndProbe();
        }
    }

    private async Task HandBackAsync(List<ReceivedMessage> messages)
    {
        foreach (var message in messages)
        {
            await settlement.ReleaseAsync(receiver, message, definition.Address, TimeSpan.Zero);
        }
        BridgeTelemetry.HeldForEndpoint.Add(messages.Count, new("topic", definition.Address.Topic), new("subscription", definition.Address.Subscription));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiving a batch from {Subscription} failed ({Failures} in a row); backing off")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string subscription, int failures);
}
