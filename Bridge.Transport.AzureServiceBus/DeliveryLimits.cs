using System.Collections.Concurrent;
using Bridge.Topology;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// Each subscription's delivery limit as the provisioner recorded it on the subscription, read once and again after
/// <see cref="RefreshAfter"/> so a change made by another process is taken up. Without a record (a subscription
/// declared elsewhere), the broker's own limit counts.
/// </summary>
internal sealed class DeliveryLimits(ServiceBusConnection connection, TimeProvider time)
{
    /// <summary>How long a limit read is trusted.</summary>
    internal static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<SubscriptionAddress, (int Limit, DateTimeOffset ReadAt)> _limits = new();

    /// <summary>The most deliveries an envelope of <paramref name="address"/> gets before it is dead-lettered.</summary>
    public async ValueTask<int> MaxDeliveryCountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_limits.TryGetValue(address, out var known) && now - known.ReadAt < RefreshAfter)
        {
            return known.Limit;
        }

        if (connection.IsEmulator)
        {
            return known.Limit > 0 ? known.Limit : ServiceBusEmulator.MaxDeliveryCount; // recorded at provisioning, capped at the emulator's
        }

        var properties = (await connection.Administration.GetSubscriptionAsync(address.Topic, address.Subscription, cancellationToken)).Value;
        var limit = ServiceBusEnvelopes.LimitOf(properties.UserMetadata) ?? properties.MaxDeliveryCount;
        _limits[address] = (limit, now);
        return limit;
    }

    /// <summary>Records a limit just provisioned, so this process uses it at once.</summary>
    public void Remember(SubscriptionAddress address, int limit) => _limits[address] = (limit, time.GetUtcNow());
}
