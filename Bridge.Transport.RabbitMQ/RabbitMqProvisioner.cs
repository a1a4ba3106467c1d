using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Declares, idempotently: per topic a durable direct exchange; per subscription a durable quorum queue bound with the
/// subscription's name as routing key, with a delivery limit and at-least-once dead-lettering into its dead-letter queue,
/// itself a quorum queue.
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
                    channel = await DeclareDeadLetterQueueAsync(channel, deadLetters, cancellationToken);
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

    /// <summary>
    /// Declares the dead-letter queue as a quorum queue, replicated like the subscription's queue. Browsing returns dead
    /// letters to it, which a quorum queue counts as deliveries: its delivery limit is set out of reach so a browse never
    /// drops one. A dead-letter queue that already exists as a classic queue (declared by an older Bridge) is kept and
    /// used as it is, with a warning: see docs/rabbitmq.md for moving it to a quorum queue.
    /// </summary>
    private async Task<IChannel> DeclareDeadLetterQueueAsync(IChannel channel, string deadLetters, CancellationToken cancellationToken)
    {
        try
        {
            await channel.QueueDeclareAsync(deadLetters, durable: true, exclusive: false, autoDelete: false, arguments: DeadLetterArguments, cancellationToken: cancellationToken);
            return channel;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.PreconditionFailed)
        {
            await channel.DisposeAsync();
            var fresh = await broker.CreateChannelAsync(confirms: false, cancellationToken);
            await fresh.QueueDeclarePassiveAsync(deadLetters, cancellationToken);
            LogClassicDeadLetterQueueKept(logger, deadLetters);
            return fresh;
        }
    }

    /// <summary>The arguments of every dead-letter queue Bridge declares.</summary>
    internal static readonly Dictionary<string, object?> DeadLetterArguments = new()
    {
        ["x-queue-type"] = "quorum",
        ["x-delivery-limit"] = int.MaxValue,
    };

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dead-letter queue {Queue} is a classic queue, declared by an older Bridge: it is kept and used, but it is not replicated in a cluster. Move it to a quorum queue as described in docs/rabbitmq.md (replay or drain it, delete it, restart)")]
    private static partial void LogClassicDeadLetterQueueKept(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue of {Subscription} exists with other arguments and is kept; Bridge enforces the maximum of {MaxAttempts} attempts itself, the broker's delivery limit stays as first declared")]
    private static partial void LogArgumentsKept(ILogger logger, string subscription, int maxAttempts);
}
