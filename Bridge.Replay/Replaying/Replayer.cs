using Bridge.Messaging;
using Bridge.Store;
using Bridge.Store.Replays;
using Bridge.Telemetry;
using Bridge.Topology;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.Replaying;

/// <summary>Sends dead letters back into their subscription and records every replay.</summary>
public sealed partial class Replayer(IDeadLetterQueue deadLetters, IDbContextFactory<BridgeDbContext> contexts, TimeProvider timeProvider, ILogger<Replayer> logger)
{
    private const int PageSize = 500;

    /// <summary>Replays the given dead letters; returns the ids that were found and replayed.</summary>
    public async Task<IReadOnlyList<string>> ReplayAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in messageIds)
        {
            if (await deadLetters.GetAsync(address, id, cancellationToken) is { } found)
            {
                reasons[id] = found.Reason;
            }
        }

        var replayed = await deadLetters.ResubmitAsync(address, [.. reasons.Keys], cancellationToken);
        await RecordAsync(address, replayed, reasons, requestedBy);
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
            var page = (await deadLetters.ListAsync(address, after, PageSize, cancellationToken))
                .TakeWhile(d => d.DeadLetteredTime <= cutoff)
                .ToList();
            if (page.Count == 0)
            {
                return total;
            }

            after = page[^1].SequenceNumber;
            var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var deadLetter in page)
            {
                reasons.TryAdd(deadLetter.Envelope.Id, deadLetter.Reason);
            }

            var replayed = await deadLetters.ResubmitAsync(address, [.. reasons.Keys], cancellationToken);
            await RecordAsync(address, replayed, reasons, requestedBy);
            total += replayed.Count;
        }
    }

    private async Task RecordAsync(SubscriptionAddress address, IReadOnlyList<string> replayed, Dictionary<string, string> reasons, string requestedBy)
    {
        if (replayed.Count == 0)
        {
            return;
        }

        BridgeTelemetry.Replayed.Add(replayed.Count, new("topic", address.Topic), new("subscription", address.Subscription));
        LogReplayed(logger, replayed.Count, address.ToString(), requestedBy);
        var now = timeProvider.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        db.Replays.AddRange(replayed.Select(id => new ReplayRecord
        {
            Topic = address.Topic,
            Subscription = address.Subscription,
            MessageId = id,
            ReplayedAt = now,
            RequestedBy = requestedBy,
            DeadLetterReason = reasons.GetValueOrDefault(id),
        }));
        await db.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} dead letter(s) of {Subscription} (requested by {RequestedBy})")]
    private static partial void LogReplayed(ILogger logger, int count, string subscription, string requestedBy);
}
