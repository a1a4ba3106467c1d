using Bridge.Replay.DeadLetters;
using Bridge.Replay.ReplayJobs;
using Bridge.Topology;

namespace Bridge.Replay.Recovery;

/// <summary>
/// Runs the sending part of a recovery job (the <see cref="ReplayJobExecutor"/> runs its life): selects the events the
/// subscription delivered in the window, then calls the subscription's webhook — or the corrected URL — with each one
/// in acceptance order, paced, with the envelope's own id as <c>webhook-id</c>. The calls are made by the job itself,
/// never through the broker, so delivery dedupe (which completes a redelivery of a delivered envelope without a call)
/// does not swallow them; the receiver dedupes by <c>webhook-id</c> if it wants to. A resumed job skips what its
/// replay records show it sent.
/// </summary>
internal sealed partial class RecoveryExecutor(
    RecoveryScanner scanner, OrderedCalls calls, Replayer replayer, ReplayJobStore store, TopologyCatalog catalog,
    TimeProvider timeProvider, ILogger<RecoveryExecutor> logger)
{
    /// <summary>Sends the job's selection; false when the job stopped running meanwhile (cancelled, perhaps by another process).</summary>
    public async Task<bool> RecoverAsync(ReplayJobProgress progress, bool resumed, CancellationToken cancellationToken)
    {
        var job = progress.Job;
        var address = new SubscriptionAddress(job.Topic, job.Subscription);
        var subscription = catalog.Find(address)
            ?? throw new InvalidOperationException($"Subscription '{address}' is no longer configured.");
        var webhook = subscription.Webhook
            ?? throw new InvalidOperationException($"Subscription '{address}' is now a pull subscription; recovery calls webhooks.");
        var target = job.TargetUrl is null ? webhook.Url : new Uri(job.TargetUrl, UriKind.Absolute);
        var selection = RecoverySelection.FromJson(job.FilterJson);

        var selected = await scanner.SelectAsync(address, selection, cancellationToken);
        var sent = resumed ? await store.SentAsync(job.Id, cancellationToken) : [];
        var pending = selected.Where(c => !sent.Contains(c.MessageId)).ToList();
        progress.Total = selected.Count;
        progress.Replayed = selected.Count - pending.Count;
        progress.Skipped = 0;
        progress.Failed = 0;
        if (!await store.SaveProgressAsync(progress, onlyWhileRunning: true, cancellationToken))
        {
            return false;
        }
        LogStarted(logger, job.Id, address.ToString(), pending.Count, selection.From, selection.To, target, job.RatePerSecond, resumed ? " (resumed)" : "");

        var failedKeys = new HashSet<string>(StringComparer.Ordinal);
        var requestedBy = $"{job.RequestedBy} to {target}";
        await using var pacer = new ReplayPacer(job.RatePerSecond);
        var saved = timeProvider.GetTimestamp();
        foreach (var chunk in pending.Chunk(pacer.BatchSize))
        {
            var envelopes = await scanner.EnvelopesAsync(chunk, cancellationToken);
            progress.AddSkipped(chunk.Length - envelopes.Count); // accepted without keeping the envelope: nothing to send
            if (envelopes.Count > 0)
            {
                await pacer.WaitAsync(envelopes.Count, cancellationToken);
                var delivered = new List<string>();
                try
                {
                    await calls.SendAsync(subscription, target, envelopes, delivered, failedKeys, progress, cancellationToken);
                }
                finally
                {
                    // Recorded even when the job stops mid-batch: a resumed job skips what was sent.
                    await replayer.RecordRecoveredAsync(address, delivered, requestedBy, job.Id);
                    progress.AddReplayed(delivered.Count);
                }
            }

            if (timeProvider.GetElapsedTime(saved) >= ReplayPacer.ProgressInterval)
            {
                saved = timeProvider.GetTimestamp();
                if (!await store.SaveProgressAsync(progress, onlyWhileRunning: true, cancellationToken))
                {
                    return false;
                }
            }
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery job {JobId} of {Subscription} started{Resumed}: {Count} event(s) delivered from {From} to {To}, to {Target} at up to {Rate}/s")]
    private static partial void LogStarted(
        ILogger logger, string jobId, string subscription, int count, DateTimeOffset from, DateTimeOffset to, Uri target, int rate, string resumed);
}
