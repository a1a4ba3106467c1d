using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.RabbitMQ;

/// <summary>Creates RabbitMQ receivers.</summary>
internal sealed class RabbitMqReceiverFactory(RabbitMqBroker broker, RabbitMqDeadLettering deadLettering, ILogger<RabbitMqReceiver> logger) : ISubscriptionReceiverFactory
{
    public ISubscriptionReceiver CreateReceiver(SubscriptionAddress address) => new RabbitMqReceiver(broker, deadLettering, address, logger);
}
