using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// Reads a subscription's runtime properties: pending is its <c>ActiveMessageCount</c>. Held is unknown (null): Service
/// Bus counts scheduled messages per topic, not per subscription, and a retry waiting out its delay is a deferred head
/// of its session, which the subscription's counts do not set apart. The emulator has no administration API: there
/// nothing is counted (null).
/// </summary>
internal sealed class AzureServiceBusBacklog(ServiceBusConnection connection) : ISubscriptionBacklog
{
    public async Task<SubscriptionBacklog?> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        if (connection.IsEmulator)
        {
            return null;
        }

        var runtime = await connection.Administration.GetSubscriptionRuntimePropertiesAsync(address.Topic, address.Subscription, cancellationToken);
        return new SubscriptionBacklog(runtime.Value.ActiveMessageCount, null);
    }
}
