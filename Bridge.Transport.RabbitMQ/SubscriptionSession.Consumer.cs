using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// How deliveries reach the session: one <c>basic.consume</c> per channel with a prefetch window, so the broker pushes
/// messages ahead instead of answering one <c>basic.get</c> per message. Pushed deliveries wait here, unacknowledged
/// and not yet locked, until a receiver takes them; the lock clock starts at the take. The broker counts a delivery
/// when it gets back a message no receiver took (a restart, a dropped channel), so the window is kept to what the
/// receivers ask for: by default the most messages one receive asked for (a subscriber's delivery concurrency).
/// </summary>
internal sealed partial class SubscriptionSession
{
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IChannel? _consuming;
    private string? _consumerTag;
    private ushort _prefetch;
    private int _generation;
    private int _mostWanted;

    /// <summary>Waits until a delivery arrives or <paramref name="timeout"/> passes, whichever is first.</summary>
    public async Task WaitForArrivalAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _arrived);
        if (signal.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
        }

        if (!_arrivals.IsEmpty)
        {
            return;
        }

        try
        {
            await Volatile.Read(ref _arrived).Task.WaitAsync(timeout, _broker.Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing came: time to look at waiting and expired deliveries anyway.
        }
    }

    /// <summary>
    /// Starts consuming on <paramref name="channel"/> unless it already does, with a window fit for <paramref name="wanted"/>.
    /// When messages waiting behind busy ordering keys or for a delayed retry take up so much of the current consumer's
    /// window that fewer than <paramref name="wanted"/> new ones could come, a new consumer starts beside them (they stay
    /// held on the channel), so a blocked key never blocks the others — up to <c>MaxHeld</c> waiting messages.
    /// </summary>
    private async Task ConsumeAsync(IChannel channel, int wanted)
    {
        // Not cancellable: a consume-ok lost to a cancellation would leave a consumer this session does not know.
        // The window is the most any receive asked for, so a receive asking for fewer (a probe, a rate limit) never shrinks it.
        _mostWanted = Math.Max(_mostWanted, wanted);
        var window = _broker.Options.Prefetch > 0 ? _broker.Options.Prefetch : (ushort)Math.Clamp(_mostWanted, 1, 10_000);
        if (ReferenceEquals(_consuming, channel))
        {
            var stuck = _parked.Count(h => h.Generation == _generation) + _waiting.Count(h => h.Generation == _generation);
            var busy = _inFlight.Values.Count(h => h.Generation == _generation);
            var starved = stuck > 0 && _prefetch - busy - stuck < wanted && _parked.Count + _waiting.Count < _broker.Options.MaxHeld;
            if (!starved && _prefetch >= window)
            {
                return;
            }

            // Cancelling leaves the old consumer's deliveries unacknowledged on the channel, still held here.
            await channel.BasicCancelAsync(_consumerTag!, noWait: false, CancellationToken.None);
            _consuming = null;
        }

        await channel.BasicQosAsync(0, window, global: false, CancellationToken.None);
        _prefetch = window;
        var generation = ++_generation;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            _arrivals.Enqueue(new Arrival(channel, Read(delivery) with { Generation = generation }));
            Volatile.Read(ref _arrived).TrySetResult();
            return Task.CompletedTask;
        };
        _consumerTag = await channel.BasicConsumeAsync(_queue, autoAck: false, consumerTag: "", ConsumerArguments, consumer, CancellationToken.None);
        _consuming = channel;
    }

    /// <summary>
    /// Lifts the broker's delivery acknowledgement timeout (<c>consumer_timeout</c>, 30 min by default) for Bridge's
    /// consumers, as far as the broker allows it per consumer (RabbitMQ 3.11.15 and later; older ones ignore the argument):
    /// what the session holds is timed by its own locks, and a keyed envelope waiting out a long retry — with its key's
    /// successors — stays unacknowledged for as long as that takes. The broker still returns everything at once when the
    /// process goes away.
    /// </summary>
    private static readonly Dictionary<string, object?> ConsumerArguments = new() { ["x-consumer-timeout"] = (long)int.MaxValue };

    /// <summary>Reads a pushed delivery; one that cannot be read is kept as unreadable, to be dead-lettered when taken.</summary>
    private Held Read(BasicDeliverEventArgs delivery)
    {
        try
        {
            return Held.From(delivery.DeliveryTag, delivery.BasicProperties, delivery.Body, _broker.Time);
        }
#pragma warning disable CA1031 // An exception here would leave the delivery unacknowledged and tracked nowhere.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new Held(delivery.DeliveryTag, null, ex.Message, delivery.Body.ToArray(), delivery.BasicProperties, 1, _broker.Time.GetUtcNow());
        }
    }

    /// <summary>The next delivery pushed on <paramref name="channel"/>; deliveries of a dropped channel were returned by the broker and are skipped.</summary>
    private bool TryNextArrival(IChannel channel, out Held held)
    {
        while (_arrivals.TryDequeue(out var arrival))
        {
            if (ReferenceEquals(arrival.Channel, channel))
            {
                held = arrival.Held;
                return true;
            }
        }

        held = null!;
        return false;
    }

    /// <summary>
    /// Cancels the consumer before the channel returns what it holds: a consumer still active would be pushed the
    /// returned messages again at once, and they would come back counted twice.
    /// </summary>
    private async Task StopConsumingAsync(IChannel channel)
    {
        var consuming = ReferenceEquals(_consuming, channel) ? _consumerTag : null;
        _consuming = null;
        _consumerTag = null;
        _prefetch = 0;
        if (consuming is not null && channel.IsOpen)
        {
            await channel.BasicCancelAsync(consuming, noWait: false);
        }
        _arrivals.Clear();
    }

    private sealed record Arrival(IChannel Channel, Held Held);
}
