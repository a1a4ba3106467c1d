using Bridge.Tests.EndToEnd;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.RabbitMq;

/// <summary>Per-key order on RabbitMQ (one subscriber process).</summary>
public sealed class RabbitMqOrderingTests : OrderingBehaviour
{
    protected override async Task<TestTopology> OnTransportAsync(TestTopology topology)
    {
        var server = await SharedRabbitMq.GetAsync();
        return topology
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", server.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "order" + Guid.NewGuid().ToString("N")[..8]);
    }
}
