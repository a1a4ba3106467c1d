using Bridge.Messaging;
using Bridge.Topology;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Moves a held delivery to its subscription's dead-letter queue with Bridge's reason and description: the copy is
/// published with confirms first, then the original acknowledged (a crash in between leaves it in both, never in none).
/// What the transport dead-letters on its own (unreadable, over the maximum delivery count) is also reported to the
/// <see cref="DeadLetterObservers"/>.
/// </summary>
internal sealed class RabbitMqDeadLettering(RabbitMqBroker broker, DeadLetterObservers observers)
{
    public async Task DeadLetterOnItsOwnAsync(IChannel receiverChannel, SubscriptionAddress address, Held held, string reason, string? description, CancellationToken cancellationToken)
    {
        await DeadLetterAsync(receiverChannel, address, held, reason, description, cancellationToken);
        observers.Report(new TransportDeadLetter(address, held.MessageId, held.Envelope, held.DeliveryCount, reason, description));
    }

    public async Task DeadLetterAsync(IChannel receiverChannel, SubscriptionAddress address, Held held, string reason, string? description, CancellationToken cancellationToken)
    {
        var headers = held.Properties.Headers is null
            ? new Dictionary<string, object?>()
            : new Dictionary<string, object?>(held.Properties.Headers);
        headers.Remove(RabbitMqNames.BrokerDeliveryCountHeader);
        headers.Remove(RabbitMqNames.PriorDeliveriesHeader);
        headers[RabbitMqNames.ReasonHeader] = reason;
        headers[RabbitMqNames.DescriptionHeader] = description ?? "";
        headers[RabbitMqNames.DeadLetteredAtHeader] = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        headers[RabbitMqNames.DeliveryCountHeader] = held.DeliveryCount;
        headers[RabbitMqNames.EnqueuedAtHeader] = held.EnqueuedTime.ToUnixTimeMilliseconds();
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = held.MessageId,
            CorrelationId = held.Properties.CorrelationId,
            ContentType = held.Properties.ContentType,
            Type = held.Properties.Type,
            Headers = headers,
        };

        var deadLetterQueue = broker.Names.DeadLetterQueue(address);
        await broker.WithPublishChannelAsync(async channel =>
        {
            await channel.BasicPublishAsync("", deadLetterQueue, mandatory: true, properties, held.Body, cancellationToken);
            return 0;
        }, cancellationToken);
        await receiverChannel.BasicAckAsync(held.DeliveryTag, multiple: false, cancellationToken);
    }
}
