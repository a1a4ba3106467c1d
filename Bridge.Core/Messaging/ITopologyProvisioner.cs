using Bridge.Topology;

namespace Bridge.Messaging;

/// <summary>Creates or updates topics and subscriptions on the broker. Provisioning the same topology twice is harmless.</summary>
public interface ITopologyProvisioner
{
    /// <summary>Ensures every topic and subscription exists with the given filters and limits.</summary>
    Task ProvisionAsync(IReadOnlyCollection<TopicSpec> topics, CancellationToken cancellationToken);
}
