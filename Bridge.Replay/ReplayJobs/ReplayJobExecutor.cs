using Bridge.Messaging;
using Bridge.Replay.DeadLetters;
using Bridge.Replay.Recovery;
using Bridge.Store.Replays;
using Bridge.Topology;

namespace Bridge.Replay.ReplayJobs;

/// <summary>
/// Runs one replay job: selects the dead letters its filter takes that were dead-lettered before the job was created,
/// then replays them in dead-letter order (so per ordering key too), paced, writing progress at least every second.
/// A resumed job (found running at start-up) selects again: what left the queue meanwhile counts as skipped.
/// A recovery job (<see cref="ReplayJobKind.Recovery"/>) has the same life; its sending is <see cref="RecoveryExecutor"/>'s.
/// </summary>
internal sealed partial class ReplayJobExecutor(
    DeadLetterScanner scanner, Replayer replayer, CorrectedEndpoint correctedEndpoint, RecoveryExecutor recovery, ReplayJobStore store, TopologyCatalog catalog,
    TimeProvider timeProvider, ILogger<ReplayJobExecutor> logger)
{
    /// <summary>
    /// Runs the job to its end. Returns normally when it completed, failed or was cancelled; throws
    /// <see cref="OperationCanceledException"/> when <paramref name="stopping"/> fires, leaving it running for a restart.
    /// </summary>
    public async Task RunAsync(ReplayJobProgress progress, bool resumed, CancellationToken cancel, CancellationToken stopping)
    {
        var job = progress.Job;
        var isRecovery = job.Kind() == ReplayJobKind.Recovery;
        var kind = isRecovery ? "Recovery" : "Replay";
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancel, stopping);
        try
        {
            var ran = isRecovery
                ? await recovery.RecoverAsync(progress, resumed, both.Token)
                : await ReplayAsync(progress, resumed, both.Token);
            if (ran)
            {
                if (await store.EndAsync(progress, ReplayJobStatus.Completed, null, CancellationToken.None))
                {
                    LogCompleted(logger, kind, job.Id, job.Topic + "/" + job.Subscription, progress.Replayed, progress.Skipped, progress.Failed);
                }
                return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await store.SaveProgressAsync(progress, onlyWhileRunning: false, CancellationToken.None);
            throw;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // cancelled in this process: the store says so already
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex, kind, job.Id);
            await store.EndAsync(progress, ReplayJobStatus.Failed, ex.Message, CancellationToken.None);
            return;
        }

        await store.SaveProgressAsync(progress, onlyWhileRunning: false, CancellationToken.None);
        LogCancelled(logger, kind, job.Id, progress.Replayed, progress.Total);
    }

    /// <summary>Replays the job's selection; false when the job stopped running meanwhile (cancelled, perhaps by another process).</summary>
    private async Task<bool> ReplayAsync(ReplayJobProgress progress, bool resumed, CancellationToken cancellationToken)
    {
        var job = progress.Job;
        var address = new SubscriptionAddress(job.Topic, job.Subscription);
        var subscription = catalog.Find(address)
            ?? throw new InvalidOperationException($"Subscription '{address}' is no longer configured.");
        var target = job.TargetUrl is null ? null : new Uri(job.TargetUrl, UriKind.Absolute);
        var selection = DeadLetterSelection.FromJson(job.FilterJson).Until(job.CreatedAt);

        var replayedBefore = resumed ? await store.CountReplayedAsync(job.Id, cancellationToken) : 0;
        if (resumed && job.Total > 0 && selection.Limit is not null)
        {
            selection = selection with { Limit = Math.Max(0, job.Total - replayedBefore) };
        }

        var selected = new List<string>();
        await foreach (var deadLetter in scanner.ScanAsync(address, selection, 0, cancellationToken))
        {
            selected.Add(deadLetter.Envelope.Id);
        }

        progress.Total = resumed ? Math.Max(job.Total, replayedBefore + selected.Count) : selected.Count;
        progress.Replayed = replayedBefore;
        progress.Skipped = progress.Total - replayedBefore - selected.Count;
        progress.Failed = 0;
        if (!await store.SaveProgressAsync(progress, onlyWhileRunning: true, cancellationToken))
        {
            return false;
        }
        LogStarted(logger, job.Id, address.ToString(), selected.Count, job.RatePerSecond, resumed ? " (resumed)" : "");

        var wanted = selected.ToHashSet(StringComparer.Ordinal);
        var failedKeys = new HashSet<string>(StringComparer.Ordinal);
        await using var pacer = new ReplayPacer(job.RatePerSecond);
        var batch = new List<DeadLetter>(pacer.BatchSize);
        var saved = timeProvider.GetTimestamp();
        await foreach (var deadLetter in scanner.ScanAsync(address, selection with { Limit = null }, 0, cancellationToken))
        {
            if (wanted.Remove(deadLetter.Envelope.Id))
            {
                batch.Add(deadLetter);
            }
            if (batch.Count < pacer.BatchSize && wanted.Count > 0)
            {
                continue;
            }

            await ReplayBatchAsync(batch);
            if (timeProvider.GetElapsedTime(saved) >= ReplayPacer.ProgressInterval)
            {
                saved = timeProvider.GetTimestamp();
                if (!await store.SaveProgressAsync(progress, onlyWhileRunning: true, cancellationToken))
                {
                    return false;
                }
            }
            if (wanted.Count == 0)
            {
                break;
            }
        }

        await ReplayBatchAsync(batch);
        progress.AddSkipped(wanted.Count); // selected, but no longer in the queue when their turn came
        return true;

        async Task ReplayBatchAsync(List<DeadLetter> items)
        {
            if (items.Count == 0)
            {
                return;
            }

            await pacer.WaitAsync(items.Count, cancellationToken);
            if (target is null)
            {
                // Not cancellable once paced: what the broker moved is recorded.
                var replayed = await replayer.ReplayBatchAsync(address, items, job.RequestedBy, job.Id, CancellationToken.None);
                progress.AddReplayed(replayed.Count);
                progress.AddSkipped(items.Count - replayed.Count); // gone meanwhile
            }
            else
            {
                await correctedEndpoint.DeliverAsync(subscription, target, items, failedKeys, progress, cancellationToken);
            }
            items.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay job {JobId} of {Subscription} started{Resumed}: {Count} dead letter(s) at up to {Rate}/s")]
    private static partial void LogStarted(ILogger logger, string jobId, string subscription, int count, int rate, string resumed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} job {JobId} of {Subscription} completed: {Replayed} sent, {Skipped} skipped, {Failed} failed")]
    private static partial void LogCompleted(ILogger logger, string kind, string jobId, string subscription, int replayed, int skipped, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} job {JobId} cancelled after {Replayed} of {Total}")]
    private static partial void LogCancelled(ILogger logger, string kind, string jobId, int replayed, int total);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind, string jobId);
}
