using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Browses a subscription's dead-letter queue. RabbitMQ queues cannot be peeked, so a browse takes up to
/// <see cref="RabbitMqTransportOptions.MaxDeadLettersScanned"/> messages unacknowledged on a private channel and closes
/// it, which returns them. Sequence numbers order dead letters by the time they were dead-lettered.
/// </summary>
internal sealed class RabbitMqDeadLetterQueue(RabbitMqBroker broker) : IDeadLetterQueue
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SubscriptionAddress, SemaphoreSlim> _browsing = new();

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(SubscriptionAddress address, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var all = await BrowseAsync(address, (_, _) => Task.CompletedTask, cancellationToken);
        return [.. all.Where(d => d.SequenceNumber > afterSequence).Take(Math.Clamp(limit, 1, 1000))];
    }

    public async Task<DeadLetter?> GetAsync(SubscriptionAddress address, string messageId, CancellationToken cancellationToken)
    {
        var all = await BrowseAsync(address, (_, _) => Task.CompletedTask, cancellationToken);
        return all.LastOrDefault(d => d.Envelope.Id == messageId);
    }

    public async Task<long> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        await using var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
        return (await channel.QueueDeclarePassiveAsync(broker.Names.DeadLetterQueue(address), cancellationToken)).MessageCount;
    }

    public async Task<IReadOnlyList<string>> ResubmitAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var wanted = messageIds.ToHashSet(StringComparer.Ordinal);
        var moved = new List<string>();
        var queue = broker.Names.Queue(address);
        await BrowseAsync(address, async (channel, got) =>
        {
            if (got.BasicProperties.MessageId is not { } id || !wanted.Contains(id))
            {
                return;
            }

            var envelope = EnvelopeSerializer.Deserialize(got.Body.Span);
            await broker.WithPublishChannelAsync(async publish =>
            {
                await publish.BasicPublishAsync("", queue, mandatory: true, RabbitMqPublisher.Properties(envelope, broker.Time.GetUtcNow()), got.Body, cancellationToken);
                return 0;
            }, cancellationToken);
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken);
            moved.Add(id);
        }, cancellationToken);
        return moved;
    }

    private async Task<List<DeadLetter>> BrowseAsync(SubscriptionAddress address, Func<IChannel, BasicGetResult, Task> visit, CancellationToken cancellationToken)
    {
        // One browse at a time per subscription in this process: a browse holds the messages it has read.
        var gate = _browsing.GetOrAdd(address, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await BrowseLockedAsync(address, visit, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<List<DeadLetter>> BrowseLockedAsync(SubscriptionAddress address, Func<IChannel, BasicGetResult, Task> visit, CancellationToken cancellationToken)
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
            await visit(channel, got);
        }

        await channel.CloseAsync(cancellationToken); // returns every message not acknowledged above
        found.Sort((a, b) => a.SequenceNumber.CompareTo(b.SequenceNumber));
        return found;
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
        var sequence = (at * 1000) + (long)((uint)StringComparer.Ordinal.GetHashCode(envelope.Id) % 1000);
        return new DeadLetter(address, envelope, sequence, reason, description.Length == 0 ? null : description, deliveryCount,
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
