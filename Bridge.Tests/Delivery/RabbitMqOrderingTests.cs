using Bridge.Tests.EndToEnd;
using Bridge.Tests.Support;

namespace Bridge.Tests.Delivery;

/// <summary>Per-key order on RabbitMQ (one subscriber process).</summary>
public sealed class RabbitMqOrderingTests : OrderingBehaviour
{
    protected override Task<TestTopology> OnTransportAsync(TestTopology topology) => SharedRabbitMq.UseAsync(topology, "order");
}
