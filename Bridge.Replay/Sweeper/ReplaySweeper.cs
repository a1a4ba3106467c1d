using Bridge.Replay.DeadLetters;
using Bridge.Replay.ReplayJobs;
using Bridge.Topology;
using Microsoft.Extensions.Options;

namespace Bridge.Replay.Sweeper;

/// <summary>
/// The scheduled sweeper (<see cref="SweeperOptions"/>): every interval, a replay job per subscription that has dead
/// letters of the swept reasons at least the minimum age old, unless one of its jobs is still queued or running there.
/// </summary>
internal sealed partial class ReplaySweeper(
    DeadLetterScanner scanner, ReplayJobStore jobs, TopologyCatalog catalog, IOptions<SweeperOptions> options, TimeProvider timeProvider,
    ILogger<ReplaySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(settings, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private async Task SweepAsync(SweeperOptions settings, CancellationToken cancellationToken)
    {
        var selection = new DeadLetterSelection
        {
            Reasons = settings.EffectiveReasons,
            To = timeProvider.GetUtcNow() - settings.MinAge,
            Limit = settings.MaxPerRun,
        };
        foreach (var address in Targets(settings))
        {
            if (await jobs.HasActiveAsync(address, SweeperOptions.RequestedBy, cancellationToken) || !await AnyAsync(address, selection, cancellationToken))
            {
                continue;
            }

            var job = await jobs.CreateAsync(address, selection, settings.RatePerSecond, null, SweeperOptions.RequestedBy, cancellationToken);
            LogSwept(logger, job.Id, address.ToString(), string.Join(", ", selection.Reasons), settings.MinAge);
        }
    }

    private IEnumerable<SubscriptionAddress> Targets(SweeperOptions settings) =>
        settings.Subscriptions.Count == 0
            ? catalog.Subscriptions.Select(s => s.Address)
            : settings.Subscriptions.Select(SweeperOptionsValidator.Parse).OfType<SubscriptionAddress>();

    private async Task<bool> AnyAsync(SubscriptionAddress address, DeadLetterSelection selection, CancellationToken cancellationToken)
    {
        await foreach (var _ in scanner.ScanAsync(address, selection with { Limit = 1 }, 0, cancellationToken))
        {
            return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweeper started replay job {JobId} for {Subscription}: dead letters ({Reasons}) older than {MinAge}")]
    private static partial void LogSwept(ILogger logger, string jobId, string subscription, string reasons, TimeSpan minAge);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweeper's run failed; it tries again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
