using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// How deliveries reach the session: one <c>basic.consume</c> per channel with a prefetch window, so the broker pushes
/// up to <c>Prefetch</c> messages ahead instead of answering one <c>basic.get</c> per message. Pushed deliveries wait
/// here, unacknowledged and not yet locked, until a receiver takes them; the lock clock starts at the take.
/// </summary>
internal sealed partial class SubscriptionSession
{
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IChannel? _consuming;
    private string? _consumerTag;

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

    /// <summary>Starts consuming on <paramref name="channel"/> unless it already does.</summary>
    private async Task ConsumeAsync(IChannel channel, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(_consuming, channel))
        {
            return;
        }

        await channel.BasicQosAsync(0, _broker.Options.Prefetch, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            _arrivals.Enqueue(new Arrival(channel, Held.From(delivery.DeliveryTag, delivery.BasicProperties, delivery.Body, _broker.Time)));
            Volatile.Read(ref _arrived).TrySetResult();
            return Task.CompletedTask;
        };
        _consumerTag = await channel.BasicConsumeAsync(_queue, autoAck: false, consumer, cancellationToken);
        _consuming = channel;
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
        if (consuming is not null && channel.IsOpen)
        {
            await channel.BasicCancelAsync(consuming, noWait: false);
        }
        _arrivals.Clear();
    }

    private sealed record Arrival(IChannel Channel, Held Held);
}
