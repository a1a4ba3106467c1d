using Bridge.Topology;

namespace Bridge.Messaging;

/// <summary>Creates, updates and removes topics and subscriptions on the broker. Provisioning the same topology twice is harmless.</summary>
public interface ITopologyProvisioner
{
    /// <summary>Ensures every topic and subscription exists with the given filters and limits.</summary>
    Task ProvisionAsync(IReadOnlyCollection<TopicSpec> topics, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a subscription from the broker with everything it still holds (waiting envelopes and dead letters), and
    /// stops routing the topic's envelopes to it. Removing a subscription that is not there is harmless.
    /// </summary>
    Task RemoveSubscriptionAsync(SubscriptionAddress address, CancellationToken cancellationToken);
}
