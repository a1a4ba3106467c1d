using Bridge.Messaging;
using Bridge.Threading;

namespace Bridge.Publisher.Sources;

/// <summary>
/// Reads every source into its topic, one loop per source: take a batch in the broker's order, make it durable in
/// Bridge (<see cref="SourceIngest"/>), then acknowledge it. While the broker or the store fails, the batch is held,
/// unacknowledged, and tried again with a growing pause (never handed back: a return would reorder it behind the
/// messages already buffered, and spend the broker's delivery count). A reader that fails in any other way is closed
/// and made anew, so whatever it held goes back to the broker in order. A process that dies between the publish and the
/// acknowledgement gets the batch again, and the receipts skip what was published.
/// </summary>
internal sealed partial class SourcePump(SourceDefinitions sources, SourceIngest ingest, SourceStore store, TimeProvider time, ILogger<SourcePump> logger)
    : BackgroundService
{
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(sources.All.Select(source => Task.Run(() => RunAsync(source, stoppingToken), CancellationToken.None)));

    private async Task RunAsync(SourceDefinition source, CancellationToken stoppingToken)
    {
        var failures = 0;
        var pruned = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            // A reader per connection: after any failure it is closed (the broker takes back what it held) and made anew.
            await using var reader = source.Reader.Create(source.Name, source.Settings);
            try
            {
                await reader.StartAsync(stoppingToken);
                if (failures > 0)
                {
                    LogReading(logger, source.Name, reader.Entity);
                    failures = 0;
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    var batch = await reader.ReceiveAsync(source.MaxBatch, ReceiveWait, stoppingToken);
                    if (batch.Count > 0 && !await SettleAsync(source, reader, batch, stoppingToken))
                    {
                        return; // stopping: the batch was not made durable and goes back to the broker with the connection
                    }

                    if (time.GetUtcNow() - pruned > PruneEvery)
                    {
                        pruned = time.GetUtcNow();
                        await store.PruneAsync(source.Name, source.ReceiptWindow, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a source keeps trying: the broker or the store comes back
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                LogFailed(logger, ex, source.Name, reader.Entity, failures);
                await Pause.ForAsync(Backoff(failures), time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Makes the batch durable, holding it and trying again while that fails, then acknowledges it. False when the
    /// process stops before the batch is durable (it is then left to the broker).
    /// </summary>
    private async Task<bool> SettleAsync(SourceDefinition source, ISourceReader reader, IReadOnlyList<SourceDelivery> batch, CancellationToken stoppingToken)
    {
        var tries = 0;
        while (true)
        {
            try
            {
                var outcome = await ingest.IngestAsync(source, [.. batch.Select(d => d.Message)], stoppingToken);
                LogIngested(logger, source.Name, batch.Count, outcome.Published.Count, outcome.Duplicates, outcome.DeadLettered);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
#pragma warning disable CA1031 // any failure to make the batch durable is tried again; nothing is acknowledged meanwhile
            catch (Exception ex)
#pragma warning restore CA1031
            {
                tries++;
                LogIngestFailed(logger, ex, source.Name, batch.Count, tries);
                if (!await Pause.ForAsync(Backoff(tries), time, stoppingToken))
                {
                    return false;
                }
            }
        }

        // Not cancellable: what is durable in Bridge should leave the broker even while stopping.
        await reader.AcknowledgeAsync(batch, CancellationToken.None);
        return true;
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxPause.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures - 1, 10))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} reads {Entity} again")]
    private static partial void LogReading(ILogger logger, string source, string entity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source} cannot read {Entity} (failure {Failures}); trying again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string source, string entity, int failures);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Source {Source}: {Messages} message(s), {Published} event(s) published, {Duplicates} duplicate(s), {DeadLettered} dead letter(s)")]
    private static partial void LogIngested(ILogger logger, string source, int messages, int published, int duplicates, int deadLettered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source}: {Messages} message(s) could not be made durable (try {Tries}); they are held, unacknowledged, and tried again")]
    private static partial void LogIngestFailed(ILogger logger, Exception exception, string source, int messages, int tries);
}
