using Bridge.Messaging;
using Bridge.Topology;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Declares, idempotently: per topic a durable direct exchange; per subscription a durable quorum queue bound with the
/// subscription's name as routing key, with a delivery limit and at-least-once dead-lettering into its dead-letter queue.
/// </summary>
internal sealed class RabbitMqProvisioner(RabbitMqBroker broker) : ITopologyProvisioner
{
    public async Task ProvisionAsync(IReadOnlyCollection<TopicSpec> topics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        await using var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
        foreach (var topic in topics)
        {
            var exchange = broker.Names.Exchange(topic.Name);
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            foreach (var subscription in topic.Subscriptions)
            {
                var queue = broker.Names.Queue(subscription.Address);
                var deadLetters = broker.Names.DeadLetterQueue(subscription.Address);
                await channel.QueueDeclareAsync(deadLetters, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
                await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "quorum",
                    // Bridge enforces the subscription's maximum itself; the broker's limit is the backstop for consumers that crash.
                    ["x-delivery-limit"] = subscription.MaxDeliveryCount,
                    ["x-dead-letter-exchange"] = "",
                    ["x-dead-letter-routing-key"] = deadLetters,
                    ["x-dead-letter-strategy"] = "at-least-once",
                    ["x-overflow"] = "reject-publish",
                }, cancellationToken: cancellationToken);
                await channel.QueueBindAsync(queue, exchange, subscription.Address.Subscription, cancellationToken: cancellationToken);
            }
            broker.Register(topic);
        }
    }
}
