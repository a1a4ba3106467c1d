using Bridge.Messaging;
using Bridge.Store.DeadLetters;
using Bridge.Telemetry;
using Bridge.Topology;

namespace Bridge.Replay.DeadLetters;

/// <summary>Removes dead letters without replaying them: each purge is audited (row state, a log line with who and how many, a metric).</summary>
public sealed partial class DeadLetterPurger(
    IDeadLetterQueue deadLetters, DeadLetterScanner scanner, DeadLetterAudit audit, TimeProvider timeProvider, ILogger<DeadLetterPurger> logger)
{
    /// <summary>Purges the given dead letters; returns the ids that were found and removed.</summary>
    public async Task<IReadOnlyList<string>> PurgeAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, string requestedBy, CancellationToken cancellationToken)
    {
        var purged = await deadLetters.PurgeAsync(address, messageIds, cancellationToken);
        await RecordAsync(address, purged, requestedBy);
        LogPurged(logger, purged.Count, address.ToString(), requestedBy);
        return purged;
    }

    /// <summary>Purges every dead letter the selection takes that was dead-lettered before the call; returns how many.</summary>
    public async Task<int> PurgeMatchingAsync(SubscriptionAddress address, DeadLetterSelection selection, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var total = 0;
        var batch = new List<string>(DeadLetterScanner.PageSize);
        // Collect first, then purge: removing while paging would move the pages under the scan.
        foreach (var deadLetter in await scanner.ListAsync(address, selection.Until(timeProvider.GetUtcNow()), cancellationToken))
        {
            batch.Add(deadLetter.Envelope.Id);
            if (batch.Count == DeadLetterScanner.PageSize)
            {
                total += await PurgeBatchAsync(address, batch, requestedBy, cancellationToken);
            }
        }

        total += await PurgeBatchAsync(address, batch, requestedBy, cancellationToken);
        LogPurged(logger, total, address.ToString(), requestedBy);
        return total;
    }

    private async Task<int> PurgeBatchAsync(SubscriptionAddress address, List<string> batch, string requestedBy, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        var purged = await deadLetters.PurgeAsync(address, batch, cancellationToken);
        batch.Clear();
        await RecordAsync(address, purged, requestedBy);
        return purged.Count;
    }

    private async Task RecordAsync(SubscriptionAddress address, IReadOnlyList<string> purged, string requestedBy)
    {
        if (purged.Count == 0)
        {
            return;
        }

        BridgeTelemetry.Purged.Add(purged.Count, new("topic", address.Topic), new("subscription", address.Subscription));
        await audit.ResolveAsync(address, purged, DeadLetterState.Purged, requestedBy, timeProvider.GetUtcNow(), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} dead letter(s) of {Subscription} (requested by {RequestedBy})")]
    private static partial void LogPurged(ILogger logger, int count, string subscription, string requestedBy);
}
