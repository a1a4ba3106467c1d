using System.Collections.Concurrent;
using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// The delivery loop of one subscription: keeps up to <c>Concurrency</c> webhook calls running, receiving envelopes as
/// calls end and handing each to a <see cref="DeliveryProcessor"/>; a call's slot is free once its response is in, while
/// the envelope is still being settled. Stops receiving when <c>stopping</c> fires and lets in-flight deliveries finish.
/// </summary>
internal sealed partial class SubscriptionWorker(
    SubscriptionDefinition definition,
    ISubscriptionReceiver receiver,
    DeliveryProcessor processor,
    ILogger logger)
{
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private long _started;

    /// <summary>Runs until <paramref name="stopping"/>; <paramref name="abort"/> cancels deliveries still running.</summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        var concurrency = definition.Webhook.Concurrency;
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var wanted = 1;
            while (wanted < concurrency && slots.Wait(0))
            {
                wanted++;
            }

            IReadOnlyList<ReceivedMessage> messages;
            try
            {
                messages = await receiver.ReceiveAsync(wanted, ReceiveWait, stopping);
                failures = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                slots.Release(wanted);
                break;
            }
#pragma warning disable CA1031 // A broker hiccup must not end the loop: log, back off, go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                slots.Release(wanted);
                failures++;
                LogReceiveFailed(logger, ex, definition.Address.ToString(), failures);
                await DelayQuietly(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 7)))), stopping);
                continue;
            }

            if (messages.Count < wanted)
            {
                slots.Release(wanted - messages.Count);
            }

            foreach (var message in messages)
            {
                var id = ++_started;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _inFlight[id] = done.Task;
                _ = Task.Run(() => RunOneAsync(message, stopping, abort, slots, id, done), CancellationToken.None);
            }
        }

        await Task.WhenAll(_inFlight.Values);
    }

    private async Task RunOneAsync(ReceivedMessage message, CancellationToken stopping, CancellationToken abort, SemaphoreSlim slots, long id, TaskCompletionSource done)
    {
        var released = 0;
        void ReleaseSlot()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }

        try
        {
            await processor.ProcessAsync(definition, receiver, message, stopping, abort, ReleaseSlot);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
            ReleaseSlot();
            done.SetResult();
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiving from {Subscription} failed ({Failures} in a row); backing off")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string subscription, int failures);
}
