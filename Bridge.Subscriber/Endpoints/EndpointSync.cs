using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// Persists the pauses the guards decide themselves (after a run of failures, after a successful probe) and takes up
/// the pauses other processes wrote. Persisted pauses are taken up before delivery starts, so a pause survives a restart.
/// A store that cannot be reached is logged and tried again; the pauses then hold in this process only.
/// </summary>
internal sealed partial class EndpointSync(
    EndpointRegistry registry,
    EndpointStateStore store,
    IOptions<EndpointOptions> options,
    TimeProvider time,
    ILogger<EndpointSync> logger) : BackgroundService
{
    private readonly Channel<EndpointGuard> _changed = Channel.CreateUnbounded<EndpointGuard>();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        registry.PauseChanged += changed => _changed.Writer.TryWrite(changed);

        await TryAsync(() => store.LoadAsync(cancellationToken), "read");
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SyncInterval;
        var dirty = new HashSet<EndpointGuard>();
        var nextLoad = time.GetUtcNow() + interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = nextLoad - time.GetUtcNow();
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                timeout.CancelAfter(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                try
                {
                    await _changed.Reader.WaitToReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Time to look at the others' pauses.
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            while (_changed.Reader.TryRead(out var guard))
            {
                dirty.Add(guard);
            }

            await SaveAsync(dirty);
            if (time.GetUtcNow() >= nextLoad)
            {
                await TryAsync(() => store.LoadAsync(stoppingToken), "read");
                nextLoad = time.GetUtcNow() + interval;
            }
        }

        // Whatever was decided last is kept for the next start.
        while (_changed.Reader.TryRead(out var guard))
        {
            dirty.Add(guard);
        }

        await SaveAsync(dirty);
    }

    /// <summary>Stores each changed guard; one that cannot be stored stays in <paramref name="dirty"/> for the next pass.</summary>
    private async Task SaveAsync(HashSet<EndpointGuard> dirty)
    {
        foreach (var guard in dirty.ToList())
        {
            if (await TryAsync(() => store.SaveAutomaticAsync(guard), "written"))
            {
                dirty.Remove(guard);
            }
        }
    }

    private async Task<bool> TryAsync(Func<Task> work, string what)
    {
        try
        {
            await work();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(logger, ex, what);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint pauses could not be {What} in the store; pauses hold in this process meanwhile and are tried again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string what);
}
