using Bridge.Messaging;
using Bridge.Store.Subscriptions;
using Bridge.Topology;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriptions;

/// <summary>
/// Keeps this process's <see cref="TopologyCatalog"/> in step with the API-made subscriptions in the store: reads them at
/// start-up and every <see cref="SubscriptionsOptions.SyncInterval"/> (at once after a change made here), provisions new
/// and changed ones on the broker before they take effect, and removes the broker queue of a deleted one once every
/// process has had time to stop delivering to it. A store that cannot be read is logged; the last known set holds.
/// </summary>
internal sealed partial class SubscriptionSync(
    SubscriptionDirectory directory,
    TopologyCatalog catalog,
    ITopologyProvisioner provisioner,
    UnreadableSecrets unreadable,
    IOptions<SubscriptionsOptions> options,
    TimeProvider time,
    ILogger<SubscriptionSync> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryRefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Reads the store now and applies what changed; throws when the store or the broker fails.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var records = await directory.LoadAsync(cancellationToken);
            var live = new List<SubscriptionDefinition>();
            var failed = new HashSet<SubscriptionAddress>();
            foreach (var record in records.Where(r => r.DeletedAt is null))
            {
                if (directory.Define(record, out var problem) is { } definition)
                {
                    live.Add(definition);
                }
                else
                {
                    // Counted each pass (bridge.secret.unreadable); logged when first found, or found again after a change.
                    failed.Add(new SubscriptionAddress(record.Topic, record.Name));
                    if (unreadable.Mark(SubscriptionDirectory.Unreadable(record)))
                    {
                        if (problem == UnreadableSecrets.CredentialsProblem)
                        {
                            LogCredentialsUnreadable(logger, $"{record.Topic}/{record.Name}");
                        }
                        else
                        {
                            LogSecretUnreadable(logger, $"{record.Topic}/{record.Name}");
                        }
                    }
                }
            }

            unreadable.Retain(failed);

            if (!catalog.IsCurrentFor(live))
            {
                // Queues and routes first, so nothing is received from, or published to, a subscription the broker lacks.
                await provisioner.ProvisionAsync(catalog.TopicsWith(live), cancellationToken);
                foreach (var refused in catalog.ApplyRuntime(live))
                {
                    LogShadowed(logger, refused.Address.ToString());
                }
                LogApplied(logger, live.Count);
            }

            await ReapAsync(records, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SyncInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await TryRefreshAsync(stoppingToken);
        }
    }

    /// <summary>Like <see cref="RefreshAsync"/>, but a failure is only logged (the next pass tries again).</summary>
    public async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRefreshFailed(logger, ex);
        }
    }

    /// <summary>Removes the queues and rows of subscriptions deleted long enough ago that no process still delivers to them.</summary>
    private async Task ReapAsync(IReadOnlyList<SubscriptionRecord> records, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var tombstone in records.Where(r => r.DeletedAt is not null))
        {
            if (DrainedAt(tombstone) > now || catalog.Find(new SubscriptionAddress(tombstone.Topic, tombstone.Name)) is { Source: SubscriptionSource.Configuration })
            {
                continue;
            }

            await provisioner.RemoveSubscriptionAsync(new SubscriptionAddress(tombstone.Topic, tombstone.Name), cancellationToken);
            await directory.PurgeAsync(tombstone, cancellationToken);
            LogRemoved(logger, $"{tombstone.Topic}/{tombstone.Name}");
        }
    }

    /// <summary>When no process can still be delivering to a deleted subscription: its queue may go.</summary>
    public DateTimeOffset DrainedAt(SubscriptionRecord tombstone)
    {
        ArgumentNullException.ThrowIfNull(tombstone);
        var inFlight = SubscriptionDirectory.SettingsOf(tombstone).InFlightLimit(options.Value.Defaults);
        return (tombstone.DeletedAt ?? time.GetUtcNow()) + inFlight + (2 * options.Value.SyncInterval) + options.Value.DrainTime;
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriptions made through the API: {Count} live")]
    private static partial void LogApplied(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the deleted subscription {Subscription} from the broker")]
    private static partial void LogRemoved(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription {Subscription} is in the store but its topic is not configured or configuration defines one of that name; it is not delivered")]
    private static partial void LogShadowed(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Error, Message = "The secret of subscription {Subscription} cannot be decrypted with this deployment's Data Protection key ring (another deployment's, or a lost one); nothing is delivered to it until its secret is rotated")]
    private static partial void LogSecretUnreadable(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Error, Message = "The credentials to the endpoint of subscription {Subscription} cannot be decrypted with this deployment's Data Protection key ring (another deployment's, or a lost one); nothing is delivered to it until its credentials are replaced")]
    private static partial void LogCredentialsUnreadable(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscriptions could not be read from the store or provisioned; the last known set holds and it is tried again")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
