using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Browses, resubmits and purges a subscription's dead-letter queue. RabbitMQ queues cannot be peeked, so a browse takes up to
/// <see cref="RabbitMqTransportOptions.MaxDeadLettersScanned"/> messages unacknowledged on a private channel and closes
/// it, which returns them. Sequence numbers order dead letters by the time they were dead-lettered, then by queue position.
/// </summary>
internal sealed class RabbitMqDeadLetterQueue(RabbitMqBroker broker) : IDeadLetterQueue
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SubscriptionAddress, SemaphoreSlim> _browsing = new();

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(SubscriptionAddress address, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var all = await BrowseAsync(address, null, null, cancellationToken);
        return [.. all.Where(d => d.SequenceNumber > afterSequence).Take(Math.Clamp(limit, 1, 1000))];
    }

    public async Task<DeadLetter?> GetAsync(SubscriptionAddress address, string messageId, CancellationToken cancellationToken)
    {
        var all = await BrowseAsync(address, null, null, cancellationToken);
        return all.LastOrDefault(d => d.Envelope.Id == messageId);
    }

    public async Task<long> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        await using var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
        return (await channel.QueueDeclarePassiveAsync(broker.Names.DeadLetterQueue(address), cancellationToken)).MessageCount;
    }

    public Task<IReadOnlyList<string>> ResubmitAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var queue = broker.Names.Queue(address);
        return TakeAsync(address, messageIds, async got =>
        {
            var envelope = EnvelopeSerializer.Deserialize(got.Body.Span);
            await broker.WithPublishChannelAsync(async publish =>
            {
                await publish.BasicPublishAsync("", queue, mandatory: true, RabbitMqPublisher.Properties(envelope, broker.Time.GetUtcNow()), got.Body, cancellationToken);
                return 0;
            }, cancellationToken);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> PurgeAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        TakeAsync(address, messageIds, null, cancellationToken);

    /// <summary>
    /// Finds the given dead letters (the browse stops once each was seen), then, in the order given, hands each to
    /// <paramref name="forward"/> (when set) and acknowledges it, which removes it. Returns the ids removed.
    /// </summary>
    private async Task<IReadOnlyList<string>> TakeAsync(
        SubscriptionAddress address, IReadOnlyCollection<string> messageIds, Func<BasicGetResult, Task>? forward, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var order = messageIds.Distinct(StringComparer.Ordinal).ToList();
        var wanted = order.ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, List<BasicGetResult>>(StringComparer.Ordinal);
        var taken = new List<string>();
        await BrowseAsync(address, got =>
        {
            if (got.BasicProperties.MessageId is { } id && wanted.Contains(id))
            {
                (found.TryGetValue(id, out var copies) ? copies : found[id] = []).Add(got);
            }
            return found.Count < order.Count;
        }, async channel =>
        {
            var acknowledged = 0;
            foreach (var id in order)
            {
                foreach (var got in found.GetValueOrDefault(id) ?? [])
                {
                    if (forward is not null)
                    {
                        await forward(got);
                    }
                    await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken);
                    acknowledged++;
                }
                if (found.ContainsKey(id))
                {
                    taken.Add(id);
                }
            }
            return acknowledged;
        }, cancellationToken);
        return taken;
    }

    /// <param name="address">The subscription.</param>
    /// <param name="visit">Sees each message read; returns false to stop reading.</param>
    /// <param name="settle">Runs on the browse's channel before it closes, e.g. to acknowledge messages; returns how many it acknowledged.</param>
    /// <param name="cancellationToken">Stops the browse.</param>
    private async Task<List<DeadLetter>> BrowseAsync(
        SubscriptionAddress address, Func<BasicGetResult, bool>? visit, Func<IChannel, Task<int>>? settle, CancellationToken cancellationToken)
    {
        // One browse at a time per subscription in this process: a browse holds the messages it has read.
        var gate = _browsing.GetOrAdd(address, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var queue = broker.Names.DeadLetterQueue(address);
            var found = new List<DeadLetter>();
            await using var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
            for (var i = 0; i < broker.Options.MaxDeadLettersScanned; i++)
            {
                if (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is not { } got)
                {
                    break;
                }

                found.Add(Read(address, got));
                if (visit is not null && !visit(got))
                {
                    break;
                }
            }

            var acknowledged = settle is null ? 0 : await settle(channel);
            await channel.CloseAsync(cancellationToken); // returns every message not acknowledged above
            await ReturnedAsync(queue, found.Count - acknowledged, cancellationToken);
            return Sequenced(found);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The broker puts back the messages of a closed channel asynchronously: wait (briefly) until the queue counts the
    /// ones the browse read and did not acknowledge, so a count or list right after a browse, purge or resubmit sees them.
    /// </summary>
    private async Task ReturnedAsync(string queue, int returned, CancellationToken cancellationToken)
    {
        if (returned <= 0)
        {
            return;
        }

        await using var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
        var deadline = broker.Time.GetUtcNow() + TimeSpan.FromSeconds(2);
        while ((await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount < returned && broker.Time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), broker.Time, cancellationToken);
        }
    }

    /// <summary>
    /// Orders dead letters by the millisecond they were dead-lettered; within one millisecond, by their place in the
    /// queue (the order they were dead-lettered in). The sequence number is that millisecond × 1000 + the rank.
    /// </summary>
    private static List<DeadLetter> Sequenced(List<DeadLetter> read)
    {
        var ranks = new Dictionary<long, int>();
        return [.. read
            .Select(d =>
            {
                var rank = ranks[d.SequenceNumber] = ranks.GetValueOrDefault(d.SequenceNumber, -1) + 1;
                return d with { SequenceNumber = d.SequenceNumber + Math.Min(rank, 999) };
            })
            .OrderBy(d => d.SequenceNumber)];
    }

    private DeadLetter Read(SubscriptionAddress address, BasicGetResult got)
    {
        IDictionary<string, object?> headers = got.BasicProperties.Headers ?? new Dictionary<string, object?>();
        var held = Held.From(got, broker.Time);
        var envelope = held.Envelope ?? EnvelopeSerializer.Unreadable(held.MessageId, "/bridge/rabbitmq", held.EnqueuedTime, got.Body.Span);

        var (reason, description, at) = headers.TryGetValue(RabbitMqNames.ReasonHeader, out var r)
            ? (Held.Text(r), Held.Text(Get(headers, RabbitMqNames.DescriptionHeader)), Millis(Get(headers, RabbitMqNames.DeadLetteredAtHeader)))
            : BrokerDeath(headers);
        var deliveryCount = headers.TryGetValue(RabbitMqNames.DeliveryCountHeader, out var c)
            ? Convert.ToInt32(c, System.Globalization.CultureInfo.InvariantCulture)
            : held.DeliveryCount - 1;
        return new DeadLetter(address, envelope, at * 1000, reason, description.Length == 0 ? null : description, deliveryCount,
            held.EnqueuedTime, DateTimeOffset.FromUnixTimeMilliseconds(at));
    }

    private (string Reason, string Description, long At) BrokerDeath(IDictionary<string, object?> headers)
    {
        if (headers.TryGetValue("x-death", out var deaths) && deaths is IList<object> list && list.FirstOrDefault() is IDictionary<string, object> death)
        {
            var brokerReason = Held.Text(Get(death!, "reason"));
            var at = Get(death!, "time") is AmqpTimestamp stamp ? stamp.UnixTime * 1000 : broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
            return brokerReason == "delivery_limit"
                ? ("MaxDeliveryCountExceeded", "The broker's delivery limit was reached (consumers went away while holding it).", at)
                : ("Broker:" + brokerReason, "Dead-lettered by the broker.", at);
        }

        return ("Unknown", "", broker.Time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private static object? Get<T>(IDictionary<string, T> map, string key) => map.TryGetValue(key, out var value) ? value : null;

    private static long Millis(object? value) => value is null ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
}
