using Bridge.Chaos.Faults;
using Bridge.Chaos.Load;
using Bridge.Chaos.Receiver;

namespace Bridge.Chaos.Reporting;

/// <summary>Joins what the load got accepted, what the receiver acknowledged, and what the store and the broker's dead-letter queue hold.</summary>
internal static class Tally
{
    public static ChaosResult Of(
        ChaosOptions options, Timeline timeline, PublishLoad load, DeliveryLedger ledger,
        IReadOnlyList<(string MessageId, string Reason)> deadLetters, IReadOnlyList<string> deadLetterQueue, IReadOnlyList<FaultRecord> faults, bool drained, TimeSpan wall)
    {
        var accepted = load.MessageIds.Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        var recorded = deadLetters.Select(d => d.MessageId).ToHashSet(StringComparer.Ordinal);
        var deadLettered = recorded.Union(deadLetterQueue, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var reasons = deadLetters.GroupBy(d => d.MessageId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Reason, StringComparer.Ordinal);
        var byReason = deadLetters.DistinctBy(d => d.MessageId, StringComparer.Ordinal)
            .GroupBy(d => d.Reason, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new ChaosResult
        {
            Options = options,
            StartedAt = timeline.StartedAt,
            Commit = options.Commit,
            Started = load.Started,
            Accepted = load.Accepted,
            Delivered = ledger.Delivered,
            DeadLettered = byReason,
            InDeadLetterQueue = deadLetterQueue.Count,
            UnrecordedDeadLetters = deadLetterQueue.Where(id => !recorded.Contains(id)).Distinct(StringComparer.Ordinal).ToList(),
            Lost = accepted.Where(id => !ledger.WasDelivered(id) && !deadLettered.Contains(id)).ToList(),
            DeadLetteredAfterDelivery = [.. deadLettered.Where(ledger.WasDelivered).Order(StringComparer.Ordinal).Select(id =>
                $"{id}: dead-lettered {(reasons.TryGetValue(id, out var reason) ? reason : "in the broker's queue only")}; acknowledged {ledger.Acknowledgements(id)?.Times ?? 0} time(s), first {ledger.Acknowledgements(id)?.First.TotalSeconds ?? 0:0.0} s into the run")],
            DeliveredNotAccepted = Math.Max(0, ledger.Delivered - accepted.Count(ledger.WasDelivered)),
            DuplicateDeliveries = ledger.DuplicateDeliveries,
            DuplicateEffects = ledger.DuplicateEffects,
            Rejected = ledger.Rejected,
            Calls = ledger.Calls,
            ServerErrors = ledger.ServerErrors,
            TooManyRequests = ledger.TooManyRequests,
            Slow = ledger.Slow,
            PublishRetries = load.Retries,
            PublishDuration = load.Ended,
            Wall = wall,
            Drained = drained,
            Faults = faults,
            AcceptedPerSecond = timeline.AcceptedPerSecond,
            DeliveredPerSecond = timeline.DeliveredPerSecond,
        };
    }
}
