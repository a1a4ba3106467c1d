using System.Globalization;
using Bridge.Topology;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Scheduled enqueue without a broker plugin: the envelope waits in a delay queue of its subscription with a per-message
/// expiration equal to its delay; on expiry the broker dead-letters it into the subscription's queue. Delay queues are
/// bucketed by powers of two (in milliseconds) so each holds messages of similar delays, since RabbitMQ expires
/// messages only at the head of a queue: a message is never visible early, and at worst late by less than its bucket.
/// Unused delay queues delete themselves. The ones declared in this process are remembered, so their messages can be
/// counted (<see cref="RabbitMqBacklog"/>).
/// </summary>
internal sealed class RabbitMqScheduler(RabbitMqBroker broker)
{
    private const long MinimumBucketMs = 64;

    /// <summary>The delay queues declared in this process, by subscription.</summary>
    public DelayQueues Declared { get; } = new();

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
