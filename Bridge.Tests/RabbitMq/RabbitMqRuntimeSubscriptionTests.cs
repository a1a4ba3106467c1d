using Bridge.Tests.Infrastructure;
using Bridge.Tests.Subscriptions;

namespace Bridge.Tests.RabbitMq;

/// <summary>Runtime subscriptions on RabbitMQ: queue and binding declared at run time, removed after a deletion drains.</summary>
public sealed class RabbitMqRuntimeSubscriptionTests : RuntimeSubscriptionBehaviour
{
    protected override async Task<TestTopology> OnTransportAsync(TestTopology topology)
    {
        var server = await SharedRabbitMq.GetAsync();
        return topology
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", server.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "rest" + Guid.NewGuid().ToString("N")[..8]);
    }
}
