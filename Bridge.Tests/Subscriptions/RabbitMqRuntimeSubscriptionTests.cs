using Bridge.Tests.Support;

namespace Bridge.Tests.Subscriptions;

/// <summary>Runtime subscriptions on RabbitMQ: queue and binding declared at run time, removed after a deletion drains.</summary>
public sealed class RabbitMqRuntimeSubscriptionTests : RuntimeSubscriptionBehaviour
{
    protected override Task<TestTopology> OnTransportAsync(TestTopology topology) => SharedRabbitMq.UseAsync(topology, "rest");
}
