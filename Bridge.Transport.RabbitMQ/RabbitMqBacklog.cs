using System.Collections.Concurrent;
using Bridge.Messaging;
using Bridge.Topology;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Counts a subscription's backlog from what the broker and this process know. Pending: the queue's ready messages
/// (a passive declare's message count), plus what this process's session holds unlocked — pushed but not yet taken,
/// waiting behind a busy ordering key, or a retry now due. Held: the retries this process's session keeps waiting out
/// their delay, plus the messages in the subscription's delay queues (scheduled enqueues) that this process declared.
/// Another process's session and delay queues declared before this process started are not seen: each process reports
/// its own share of what it holds, and the broker's ready count is shared.
/// </summary>
internal sealed class RabbitMqBacklog(RabbitMqBroker broker, RabbitMqScheduler scheduler, RabbitMqReceiverFactory sessions) : ISubscriptionBacklog
{
    public async Task<SubscriptionBacklog?> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        var (pending, held) = sessions.Find(address) is { } session ? await session.CountWaitingAsync(cancellationToken) : (0, 0);
        var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
        try
        {
            pending += (await channel.QueueDeclarePassiveAsync(broker.Names.Queue(address), cancellationToken)).MessageCount;
            foreach (var delayQueue in scheduler.Declared.Of(address))
            {
                try
                {
                    held += (await channel.QueueDeclarePassiveAsync(delayQueue, cancellationToken)).MessageCount;
                }
                catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
                {
                    // It expired, unused: forget it. The broker closed the channel over the miss.
                    scheduler.Declared.Remove(address, delayQueue);
                    await channel.DisposeAsync();
                    channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
                }
            }
        }
        finally
        {
            await channel.DisposeAsync();
        }

        return new SubscriptionBacklog(pending, held);
    }
}

/// <summary>Names of delay queues, by subscription.</summary>
internal sealed class DelayQueues
{
    private readonly ConcurrentDictionary<SubscriptionAddress, ConcurrentDictionary<string, byte>> _queues = new();

    public void Add(SubscriptionAddress address, string queue) =>
        _queues.GetOrAdd(address, _ => new(StringComparer.Ordinal)).TryAdd(queue, 0);

    public void Remove(SubscriptionAddress address, string queue)
    {
        if (_queues.TryGetValue(address, out var queues))
        {
            queues.TryRemove(queue, out _);
        }
    }

    public IReadOnlyList<string> Of(SubscriptionAddress address) =>
        _queues.TryGetValue(address, out var queues) ? [.. queues.Keys] : [];
}
