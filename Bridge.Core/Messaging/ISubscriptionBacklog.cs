using Bridge.Topology;

namespace Bridge.Messaging;

/// <summary>A transport capability: counting the envelopes waiting in a subscription's queue.</summary>
public interface ISubscriptionBacklog
{
    /// <summary>Counts the subscription's waiting envelopes: those that can be taken now, and those held for later; null where the broker cannot count them at all.</summary>
    Task<SubscriptionBacklog?> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken);
}

/// <summary>What waits in a subscription's queue (envelopes out on a delivery are in flight, counted by neither).</summary>
/// <param name="Pending">Envelopes that can be taken now.</param>
/// <param name="Held">Envelopes that cannot be taken yet (scheduled, or waiting out a retry delay); null where the broker cannot tell.</param>
public sealed record SubscriptionBacklog(long Pending, long? Held);
