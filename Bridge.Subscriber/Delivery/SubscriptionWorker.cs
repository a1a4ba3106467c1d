using Bridge.Messaging;
using Bridge.Subscriber.Endpoints;
using Bridge.Telemetry;
using Bridge.Threading;
using Bridge.Topology;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// The delivery loop of one subscription: keeps up to <c>Concurrency</c> webhook calls running, receiving envelopes as
/// calls end and handing each to a <see cref="DeliveryProcessor"/>; a call's slot is free once its response is in, while
/// the envelope is still being settled. Receives nothing while its endpoint is held (see <see cref="EndpointGuard"/>)
/// but for the probe. Stops receiving when <c>stopping</c> fires and lets in-flight deliveries finish.
/// </summary>
internal sealed partial class SubscriptionWorker(
    SubscriptionDefinition definition,
    ISubscriptionReceiver receiver,
    EndpointGuard guard,
    DeliveryProcessor processor,
    ILogger logger)
{
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(5);
    private readonly InFlightCalls _calls = new(guard);

    /// <summary>Runs until <paramref name="stopping"/>; <paramref name="abort"/> cancels deliveries still running.</summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        var concurrency = definition.PushTarget.Concurrency;
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            EndpointTurn turn;
            int wanted;
            try
            {
                // While the endpoint is held (open circuit, pause) nothing is received: its envelopes wait in the broker.
                turn = await guard.WaitForTurnAsync(stopping);
                wanted = await TakeSlotsAsync(slots, turn.IsProbe ? 1 : concurrency, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            IReadOnlyList<ReceivedMessage> messages;
            try
            {
                messages = wanted == 0 ? [] : await receiver.ReceiveAsync(wanted, ReceiveWait, stopping);
                failures = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                EndTurn(turn, slots, wanted);
                break;
            }
#pragma warning disable CA1031 // A broker hiccup must not end the loop: log, back off, go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                EndTurn(turn, slots, wanted);
                failures++;
                LogReceiveFailed(logger, ex, definition.Address.ToString(), failures);
                await Pause.ForAsync(ReceiveBackoff.After(failures), TimeProvider.System, stopping);
                continue;
            }

            if (messages.Count < wanted)
            {
                slots.Release(wanted - messages.Count);
            }

            if (messages.Count == 0 && turn.IsProbe)
            {
                guard.EndProbe();
            }

            if (!turn.IsProbe && messages.Count > 0 && guard.Holding)
            {
                // Paused or open-circuited while the receive waited: hand them back without a call.
                await HandBackAsync(messages);
                slots.Release(messages.Count);
                continue;
            }

            foreach (var message in messages)
            {
                _calls.Start(callEnded => processor.ProcessAsync(definition, receiver, message, stopping, abort, callEnded), turn.IsProbe, slots);
            }
        }

        await _calls.WhenAllEndedAsync();
    }

    /// <summary>Waits for a free slot, takes more up to <paramref name="limit"/>, and as many calls from the rate limit; returns how many.</summary>
    private async Task<int> TakeSlotsAsync(SemaphoreSlim slots, int limit, CancellationToken stopping)
    {
        await slots.WaitAsync(stopping);
        var wanted = 1;
        while (wanted < limit && slots.Wait(0))
        {
            wanted++;
        }

        int granted;
        try
        {
            granted = await guard.AcquireCallsAsync(wanted, stopping);
        }
        catch (OperationCanceledException)
        {
            slots.Release(wanted);
            throw;
        }

        if (granted < wanted)
        {
            slots.Release(wanted - granted);
        }
        return granted;
    }

    private void EndTurn(EndpointTurn turn, SemaphoreSlim slots, int wanted)
    {
        if (wanted > 0)
        {
            slots.Release(wanted);
        }

        if (turn.IsProbe)
        {
            guard.EndProbe();
        }
    }

    private async Task HandBackAsync(IReadOnlyList<ReceivedMessage> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await receiver.ReleaseAsync(message, TimeSpan.Zero, CancellationToken.None);
                BridgeTelemetry.HeldForEndpoint.Add(1, new("topic", definition.Address.Topic), new("subscription", definition.Address.Subscription));
            }
#pragma warning disable CA1031 // Its lock expires and the broker delivers it again: nothing is lost, but say so.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogHandBackFailed(logger, ex, message.Envelope.Id, definition.Address.ToString());
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handing {MessageId} of {Subscription} back while its endpoint is held failed; its lock will expire and it will be delivered again")]
    private static partial void LogHandBackFailed(ILogger logger, Exception exception, string messageId, string subscription);

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiving from {Subscription} failed ({Failures} in a row); backing off")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string subscription, int failures);
}
