using Bridge.Topology;

namespace Bridge.Subscriber.Pull;

/// <summary>
/// Closes the pull receiver of a subscription that is gone from the catalog or no longer a pull subscription (its locks
/// then expire in the broker and the envelopes return), and every pull receiver when the process stops.
/// </summary>
internal sealed class PullReceiverSync(TopologyCatalog catalog, PullReceivers receivers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changed = new SemaphoreSlim(0);
        void OnChanged() => changed.Release();
        catalog.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var address in receivers.Open.Where(a => catalog.Find(a)?.Pull is null))
                {
                    await receivers.CloseAsync(address);
                }
                await changed.WaitAsync(stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            catalog.Changed -= OnChanged;
            changed.Dispose();
            await receivers.DisposeAsync();
        }
    }
}
