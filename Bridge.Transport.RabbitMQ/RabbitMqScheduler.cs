using System.Globalization;
using Bridge.Topology;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Scheduled enqueue without a broker plugin: the envelope waits in a delay queue of its subscription with a per-message
/// expiration equal to its delay; on expiry the broker dead-letters it into the subscription's queue. Delay queues are
/// bucketed by powers of two (in milliseconds) so each holds messages of similar delays, since RabbitMQ expires
/// messages only at the head of a queue: a message is never visible early, and at worst late by less than its bucket.
/// Unused delay queues delete themselves. A retry delayed too long to wait out in the process goes the same way
/// (<see cref="PostponeAsync"/>). The delay queues declared in this process are remembered, so their messages can be
/// counted (<see cref="RabbitMqBacklog"/>).
/// </summary>
internal sealed class RabbitMqScheduler(RabbitMqBroker broker)
{
    private const long MinimumBucketMs = 64;

    /// <summary>The delay queues declared in this process, by subscription.</summary>
    public DelayQueues Declared { get; } = new();

    /// <summary>
    /// Moves a held delivery out of its subscription's queue until <paramref name="delay"/> is over: a copy that remembers
    /// its <paramref name="deliveries"/> so far is published with confirms to a delay queue, then the original is
    /// acknowledged (a crash in between leaves it in both, never in none). When due, the broker dead-letters the copy
    /// back into the subscription's queue, where it is delivered with its count, whichever process takes it.
    /// </summary>
    public async Task PostponeAsync(IChannel receiverChannel, SubscriptionAddress address, Held held, int deliveries, TimeSpan delay, CancellationToken cancellationToken)
    {
        var headers = held.Properties.Headers is null
            ? new Dictionary<string, object?>()
            : held.Properties.Headers.Where(h => !IsBrokers(h.Key)).ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        headers[RabbitMqNames.PriorDeliveriesHeader] = deliveries;
        headers[RabbitMqNames.EnqueuedAtHeader] = held.EnqueuedTime.ToUnixTimeMilliseconds();
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = held.MessageId,
            CorrelationId = held.Properties.CorrelationId,
            ContentType = held.Properties.ContentType,
            Type = held.Properties.Type,
            Headers = headers,
            Expiration = ((long)Math.Ceiling(delay.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture),
        };

        await broker.WithPublishChannelAsync(async channel =>
        {
            var delayQueue = await DeclareDelayQueueAsync(channel, address, delay, cancellationToken);
            await channel.BasicPublishAsync("", delayQueue, mandatory: true, properties, held.Body, cancellationToken);
            return 0;
        }, cancellationToken);
        await receiverChannel.BasicAckAsync(held.DeliveryTag, multiple: false, cancellationToken);
    }

    /// <summary>Headers the broker wrote (its delivery count, the deaths of earlier trips through a delay queue): not carried on.</summary>
    private static bool IsBrokers(string header) =>
        header == RabbitMqNames.BrokerDeliveryCountHeader || header.StartsWith("x-death", StringComparison.Ordinal)
        || header.StartsWith("x-first-death", StringComparison.Ordinal) || header.StartsWith("x-last-death", StringComparison.Ordinal);

    public async Task<string> DeclareDelayQueueAsync(IChannel channel, SubscriptionAddress address, TimeSpan delay, CancellationToken cancellationToken)
    {
        var bucket = Bucket(delay);
        var name = $"{broker.Names.Queue(address)}.delay.{bucket.ToString(CultureInfo.InvariantCulture)}";
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-dead-letter-strategy"] = "at-least-once",
            ["x-overflow"] = "reject-publish",
            ["x-message-ttl"] = bucket,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = broker.Names.Queue(address),
            ["x-expires"] = (bucket * 2) + (long)TimeSpan.FromMinutes(10).TotalMilliseconds,
        }, cancellationToken: cancellationToken);
        Declared.Add(address, name);
        return name;
    }

    /// <summary>The smallest power of two (ms, at least 64) not below the delay.</summary>
    public static long Bucket(TimeSpan delay)
    {
        var ms = Math.Max(MinimumBucketMs, (long)Math.Ceiling(delay.TotalMilliseconds));
        return (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)ms);
    }
}
