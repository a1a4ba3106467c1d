using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Declares, idempotently: per topic a durable direct exchange; per subscription a durable quorum queue bound with the
/// subscription's name as routing key, with a delivery limit and at-least-once dead-lettering into its dead-letter queue.
/// A queue already declared with other arguments (a subscription whose maximum attempts changed) is kept as it is: Bridge
/// enforces the maximum itself, the broker's limit is only the backstop for consumers that crash.
/// </summary>
internal sealed partial class RabbitMqProvisioner(RabbitMqBroker broker, ILogger<RabbitMqProvisioner> logger) : ITopologyProvisioner
{
    public async Task ProvisionAsync(IReadOnlyCollection<TopicSpec> topics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
        try
        {
            foreach (var topic in topics)
            {
                var exchange = broker.Names.Exchange(topic.Name);
                await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                foreach (var subscription in topic.Subscriptions)
                {
                    var queue = broker.Names.Queue(subscription.Address);
                    var deadLetters = broker.Names.DeadLetterQueue(subscription.Address);
                    await channel.QueueDeclareAsync(deadLetters, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
                    try
                    {
                        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: Arguments(subscription, deadLetters), cancellationToken: cancellationToken);
                    }
                    catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.PreconditionFailed)
                    {
                        // The refusal closed the channel; the queue exists with its first arguments.
                        await channel.DisposeAsync();
                        channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
                        await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
                        LogArgumentsKept(logger, subscription.Address.ToString(), subscription.MaxDeliveryCount);
                    }

                    await channel.QueueBindAsync(queue, exchange, subscription.Address.Subscription, cancellationToken: cancellationToken);
                }
                broker.Register(topic);
            }
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    public async Task RemoveSubscriptionAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        broker.Unregister(address); // this process stops routing to it first
        await using var channel = await broker.CreateChannelAsync(confirms: false, cancellationToken);
        await channel.QueueDeleteAsync(broker.Names.Queue(address), ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        await channel.QueueDeleteAsync(broker.Names.DeadLetterQueue(address), ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
    }

    private static Dictionary<string, object?> Arguments(SubscriptionSpec subscription, string deadLetters) => new()
    {
        ["x-queue-type"] = "quorum",
        // Bridge enforces the subscription's maximum itself; the broker's limit is the backstop for consumers that crash.
        ["x-delivery-limit"] = subscription.MaxDeliveryCount,
        ["x-dead-letter-exchange"] = "",
        ["x-dead-letter-routing-key"] = deadLetters,
        ["x-dead-letter-strategy"] = "at-least-once",
        ["x-overflow"] = "reject-publish",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue of {Subscription} exists with other arguments and is kept; Bridge enforces the maximum of {MaxAttempts} attempts itself, the broker's delivery limit stays as first declared")]
    private static partial void LogArgumentsKept(ILogger logger, string subscription, int maxAttempts);
}
