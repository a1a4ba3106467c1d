using Bridge.Store;
using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;
using Bridge.Store.Replays;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.Audit;

/// <summary>
/// Puts together the timeline of one envelope from the store: acceptances (<c>events</c>), attempts
/// (<c>delivery_attempts</c>), dead letters (<c>dead_letters</c>) and replays (<c>replays</c>), each looked up by its
/// message id index.
/// </summary>
internal static class AuditTimeline
{
    private const int AcceptedRank = 0, AttemptRank = 1, DeadLetteredRank = 2, ReplayedRank = 3, ReplayedAttemptRank = 4;

    /// <summary>The entries, oldest first; empty when the store knows nothing of the envelope.</summary>
    public static async Task<IReadOnlyList<TimelineEntry>> LoadAsync(BridgeDbContext db, string messageId, CancellationToken cancellationToken)
    {
        var accepted = await db.Events.AsNoTracking().Where(e => e.MessageId == messageId)
            .Select(e => new { e.Id, e.AcceptedAt, e.Topic, e.CorrelationId }).ToListAsync(cancellationToken);
        var attempts = await db.DeliveryAttempts.AsNoTracking().Where(a => a.MessageId == messageId)
            .OrderBy(a => a.StartedAt).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        var deadLetters = await db.DeadLetters.AsNoTracking().Where(d => d.MessageId == messageId).ToListAsync(cancellationToken);
        var replays = await db.Replays.AsNoTracking().Where(r => r.MessageId == messageId).ToListAsync(cancellationToken);

        var entries = new List<(TimelineEntry Entry, int Rank, long Id)>();
        entries.AddRange(accepted.Select(e => ((TimelineEntry)new AcceptedTimelineEntry(e.AcceptedAt, e.Topic, e.CorrelationId), AcceptedRank, e.Id)));
        entries.AddRange(deadLetters.Select(d => (
            (TimelineEntry)new DeadLetteredTimelineEntry(d.DeadLetteredAt, d.Topic, d.Subscription, d.Reason, d.Description, d.DeliveryCount), DeadLetteredRank, d.Id)));

        var replayedAttempts = new HashSet<long>();
        foreach (var replay in replays)
        {
            var first = FirstReplayedAttempt(replay, attempts, deadLetters);
            if (first is not null)
            {
                replayedAttempts.Add(first.Id);
            }

            // A replay is recorded once the envelope is back in its subscription, which may be a moment after its first
            // attempt started: it is shown no later than that attempt.
            var at = first is not null && first.StartedAt < replay.ReplayedAt ? first.StartedAt : replay.ReplayedAt;
            entries.Add((new ReplayedTimelineEntry(at, replay.Topic, replay.Subscription, replay.RequestedBy, replay.DeadLetterReason, replay.JobId), ReplayedRank, replay.Id));
        }

        entries.AddRange(attempts.Select(a => (
            (TimelineEntry)new AttemptTimelineEntry(a.StartedAt, a.Topic, a.Subscription, a.Attempt, a.Outcome.ToString(), a.StatusCode, a.DurationMs, a.Error, a.ResponseExcerpt),
            replayedAttempts.Contains(a.Id) ? ReplayedAttemptRank : AttemptRank,
            a.Id)));

        // Times are kept to the millisecond; within one the order is causal: accepted, attempt, its dead letter, the
        // replay, the replayed envelope's first attempt.
        return [.. entries.OrderBy(e => e.Entry.At).ThenBy(e => e.Rank).ThenBy(e => e.Id).Select(e => e.Entry)];
    }

    /// <summary>
    /// The first attempt the replay led to: the subscription's first attempt after the dead letter the replay took back
    /// (after a dead letter, only a replay brings the envelope back). None when that dead letter is not recorded.
    /// </summary>
    private static DeliveryAttempt? FirstReplayedAttempt(ReplayRecord replay, List<DeliveryAttempt> attempts, List<DeadLetterRecord> deadLetters)
    {
        var deadLetter = deadLetters
            .Where(d => d.Topic == replay.Topic && d.Subscription == replay.Subscription && d.DeadLetteredAt <= replay.ReplayedAt)
            .MaxBy(d => (d.DeadLetteredAt, d.Id));
        return deadLetter is null
            ? null
            : attempts.FirstOrDefault(a => a.Topic == replay.Topic && a.Subscription == replay.Subscription && a.StartedAt > deadLetter.DeadLetteredAt);
    }
}
