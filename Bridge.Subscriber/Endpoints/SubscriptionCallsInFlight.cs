using Bridge.Subscriptions;
using Bridge.Topology;

namespace Bridge.Subscriber.Endpoints;

/// <summary>Calls running now, read from each endpoint's guard (none before its first delivery).</summary>
internal sealed class SubscriptionCallsInFlight(EndpointRegistry registry) : ISubscriptionCallsInFlight
{
    public int InFlight(SubscriptionAddress address) => registry.Find(address)?.InFlight ?? 0;
}
