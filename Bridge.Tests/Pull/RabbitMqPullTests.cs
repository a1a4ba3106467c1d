using Bridge.Tests.Support;

namespace Bridge.Tests.Pull;

/// <summary>Pull delivery on RabbitMQ: the receivers' locks are the RabbitMQ transport's.</summary>
public sealed class RabbitMqPullTests : PullBehaviour
{
    protected override Task<TestTopology> OnTransportAsync(TestTopology topology) => SharedRabbitMq.UseAsync(topology, "pull");
}
