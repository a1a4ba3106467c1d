using Bridge.Envelopes;
using Bridge.Store;
using Bridge.Store.Deliveries;
using Bridge.Store.Subscriptions;
using Bridge.Topology;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.Recovery;

/// <summary>An event a recovery job takes: its audit row and its envelope id.</summary>
/// <param name="EventId">The key of its row in <c>events</c>.</param>
/// <param name="MessageId">The envelope's id (the <c>webhook-id</c> of every call of it).</param>
internal readonly record struct RecoveryCandidate(long EventId, string MessageId);

/// <summary>
/// Finds what a recovery job re-sends in the audit trail: the subscription's deliveries that ended delivered within the
/// window (<c>deliveries</c>), joined to the accepted events (<c>events</c>), which hold the envelopes.
/// </summary>
internal sealed class RecoveryScanner(IDbContextFactory<BridgeDbContext> contexts)
{
    /// <summary>The most events one recovery job takes.</summary>
    public const int MaxEvents = 500_000;

    /// <summary>
    /// The events <paramref name="address"/> delivered within <paramref name="selection"/>, in acceptance order (so in
    /// per-key order); an envelope accepted more than once is taken once, at its first acceptance.
    /// </summary>
    public async Task<List<RecoveryCandidate>> SelectAsync(SubscriptionAddress address, RecoverySelection selection, CancellationToken cancellationToken)
    {
        var (topic, subscription) = (address.Topic, address.Subscription);
        DateTimeOffset? start = selection.From, end = selection.To;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // A subscription made through the API and later deleted may be made again under its name by someone else:
        // only what the current one delivered is re-sent, never its predecessor's events.
        var created = await db.Set<SubscriptionRecord>().AsNoTracking()
            .Where(s => s.Topic == topic && s.Name == subscription && s.DeletedAt == null)
            .Select(s => (DateTimeOffset?)s.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (created > start)
        {
            start = created;
        }
        var rows = await (
            from delivery in db.Deliveries.AsNoTracking()
            where delivery.Topic == topic && delivery.Subscription == subscription && delivery.Status == DeliveryStatus.Delivered
                && delivery.CompletedAt >= start && delivery.CompletedAt <= end
            join accepted in db.Events.AsNoTracking() on delivery.MessageId equals accepted.MessageId
            where accepted.Topic == topic
            orderby accepted.AcceptedAt, accepted.Id
            select new RecoveryCandidate(accepted.Id, accepted.MessageId)).Take(MaxEvents + 1).ToListAsync(cancellationToken);
        if (rows.Count > MaxEvents)
        {
            // Bounded, so a job over a very busy window cannot exhaust the process's memory (and crash-loop on resume).
            throw new InvalidOperationException(
                $"The window holds more than {MaxEvents:N0} delivered events; a recovery job takes at most that many. Split the window into several jobs.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. rows.Where(r => seen.Add(r.MessageId))];
    }

    /// <summary>
    /// The stored envelopes of <paramref name="candidates"/>, in their order; an event whose envelope is not kept
    /// (<c>Bridge:Store:Audit:KeepPayload</c> was off) is left out.
    /// </summary>
    public async Task<List<Envelope>> EnvelopesAsync(IReadOnlyCollection<RecoveryCandidate> candidates, CancellationToken cancellationToken)
    {
        var ids = candidates.Select(c => c.EventId).ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.Events.AsNoTracking()
            .Where(e => ids.Contains(e.Id) && e.Envelope != null)
            .Select(e => new { e.Id, e.Envelope })
            .ToDictionaryAsync(e => e.Id, e => e.Envelope!, cancellationToken);
        return [.. candidates.Where(c => stored.ContainsKey(c.EventId)).Select(c => EnvelopeSerializer.Deserialize(stored[c.EventId]))];
    }
}
