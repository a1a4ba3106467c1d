using Bridge.Messaging;
using Bridge.Store;
using Bridge.Store.DeadLetters;
using Bridge.Store.Replays;
using Bridge.Telemetry;
using Bridge.Topology;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.DeadLetters;

/// <summary>
/// Sends dead letters back into their subscription (the broker keeps each envelope's id, so delivery dedupe knows a
/// replay of something already delivered) and records every replay: a <see cref="ReplayRecord"/>, the dead letter's
/// audit row marked replayed, a metric.
/// </summary>
public sealed partial class Replayer(
    IDeadLetterQueue deadLetters, IDbContextFactory<BridgeDbContext> contexts, TimeProvider timeProvider, ILogger<Replayer> logger)
{
    private const int RequestedByMaxLength = 128;

    /// <summary>Replays the given dead letters; returns the ids that were found and replayed.</summary>
    public async Task<IReadOnlyList<string>> ReplayAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var found = new List<DeadLetter>();
        foreach (var id in messageIds)
        {
            if (await deadLetters.GetAsync(address, id, cancellationToken) is { } deadLetter)
            {
                found.Add(deadLetter);
            }
        }

        var replayed = await ReplayBatchAsync(address, found, requestedBy, null, cancellationToken);
        if (replayed.Count > 0)
        {
            LogReplayed(logger, replayed.Count, address.ToString(), requestedBy);
        }
        return replayed;
    }

    /// <summary>
    /// Replays every dead letter of the subscription that was dead-lettered before the call; returns how many.
    /// Envelopes that fail again while the replay runs are not replayed a second time.
    /// </summary>
    public async Task<int> ReplayAllAsync(SubscriptionAddress address, string requestedBy, CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow();
        var after = 0L;
        var total = 0;
        while (true)
        {
            var page = (await deadLetters.ListAsync(address, after, DeadLetterScanner.PageSize, cancellationToken))
                .TakeWhile(d => d.DeadLetteredTime <= cutoff)
                .ToList();
            if (page.Count == 0)
            {
                LogReplayed(logger, total, address.ToString(), requestedBy);
                return total;
            }

            after = page[^1].SequenceNumber;
            total += (await ReplayBatchAsync(address, page, requestedBy, null, cancellationToken)).Count;
        }
    }

    /// <summary>Resubmits the dead letters in the order given and records each one moved; returns the ids moved.</summary>
    internal async Task<IReadOnlyList<string>> ReplayBatchAsync(
        SubscriptionAddress address, IReadOnlyList<DeadLetter> batch, string requestedBy, string? jobId, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        using var activity = MessagingSpans.StartReplay(address, batch.Select(d => d.Envelope), batch.Count);
        var replayed = await deadLetters.ResubmitAsync(address, [.. batch.Select(d => d.Envelope.Id)], cancellationToken);
        await RecordAsync(address, replayed, batch, requestedBy, jobId);
        return replayed;
    }

    /// <summary>Records the replay of <paramref name="replayed"/> (ids out of <paramref name="batch"/>).</summary>
    internal async Task RecordAsync(SubscriptionAddress address, IReadOnlyCollection<string> replayed, IReadOnlyList<DeadLetter> batch, string requestedBy, string? jobId)
    {
        if (replayed.Count == 0)
        {
            return;
        }

        BridgeTelemetry.Replayed.Add(replayed.Count, new("topic", address.Topic), new("subscription", address.Subscription));
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var deadLetter in batch)
        {
            reasons.TryAdd(deadLetter.Envelope.Id, deadLetter.Reason);
        }
        await WriteAsync(address, replayed, reasons, requestedBy, jobId);
    }

    /// <summary>
    /// Records envelopes a recovery job delivered again (they were delivered before, so there is no dead letter to
    /// resolve): a <see cref="ReplayRecord"/> each, without a dead-letter reason, which the audit timeline shows.
    /// </summary>
    internal Task RecordRecoveredAsync(SubscriptionAddress address, IReadOnlyCollection<string> recovered, string requestedBy, string jobId) =>
        recovered.Count == 0 ? Task.CompletedTask : WriteAsync(address, recovered, reasons: null, requestedBy, jobId);

    /// <summary>Writes the replay records and, for dead letters (<paramref name="reasons"/> given), marks their audit rows replayed.</summary>
    private async Task WriteAsync(
        SubscriptionAddress address, IReadOnlyCollection<string> replayed, Dictionary<string, string>? reasons, string requestedBy, string? jobId)
    {
        var now = timeProvider.GetUtcNow();
        var by = DeadLetterAudit.Truncate(requestedBy, RequestedByMaxLength);
        // One transaction for the records and the audit rows (one commit per batch); run through the provider's
        // execution strategy, which may retry the whole unit.
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            db.Replays.AddRange(replayed.Select(id => new ReplayRecord
            {
                Topic = address.Topic,
                Subscription = address.Subscription,
                MessageId = id,
                ReplayedAt = now,
                RequestedBy = by,
                DeadLetterReason = reasons?.GetValueOrDefault(id),
                JobId = jobId,
            }));
            await db.SaveChangesAsync(CancellationToken.None);
            if (reasons is not null)
            {
                await DeadLetterAudit.ResolveAsync(db, address, replayed, DeadLetterState.Replayed, by, now, CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} dead letter(s) of {Subscription} (requested by {RequestedBy})")]
    private static partial void LogReplayed(ILogger logger, int count, string subscription, string requestedBy);
}
