using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Store.Retention;

/// <summary>
/// Prunes the store every <see cref="RetentionOptions.Interval"/> (the first run one interval after start) unless
/// <see cref="RetentionOptions.Enabled"/> is off, logging one line per run. A run that fails is logged and the next one
/// tries again; what it did not remove waits for it.
/// </summary>
internal sealed partial class RetentionService(
    StorePruner pruner, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var started = time.GetTimestamp();
                try
                {
                    var run = await pruner.PruneAsync(stoppingToken);
                    LogPruned(logger, run.Total, run.Events, run.Attempts, run.Deliveries, run.DeadLetters, run.Replays,
                        (long)time.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention pruned {Total} store row(s): {Events} event(s), {Attempts} attempt(s), {Deliveries} deliveries, {DeadLetters} dead letter(s), {Replays} replay(s) in {ElapsedMs} ms")]
    private static partial void LogPruned(ILogger logger, long total, long events, long attempts, long deliveries, long deadLetters, long replays, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning the store failed; the next run tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention is off in this process (Bridge:Store:Retention:Enabled is false)")]
    private static partial void LogDisabled(ILogger logger);
}
