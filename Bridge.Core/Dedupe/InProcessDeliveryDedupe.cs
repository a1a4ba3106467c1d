using Bridge.Topology;

namespace Bridge.Dedupe;

/// <summary>
/// The dedupe store of a single process (the standalone bridge): the same contract as the shared stores, kept in
/// memory. It remembers at most <c>maxEntries</c> envelopes — the oldest are forgotten first — so memory stays bounded
/// whatever the rate; a restart forgets everything.
/// </summary>
public sealed class InProcessDeliveryDedupe(TimeProvider timeProvider, int maxEntries = 100_000) : IDeliveryDedupe
{
    private const string Delivered = "delivered";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <inheritdoc />
    public Task<DedupeClaim> ClaimAsync(SubscriptionAddress subscription, string messageId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var key = DedupeClaim.DedupeKey(subscription, messageId);
        var now = timeProvider.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > now)
            {
                var outcome = entry.Value == Delivered ? DedupeOutcome.AlreadyDelivered : DedupeOutcome.InProgress;
                return Task.FromResult(new DedupeClaim(subscription, messageId, outcome, ""));
            }

            Set(key, token, now + lease);
        }

        return Task.FromResult(new DedupeClaim(subscription, messageId, DedupeOutcome.Claimed, token));
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(DedupeClaim claim, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(claim.Key, out var entry) && entry.Value == claim.Token && entry.ExpiresAt > now)
            {
                _entries[claim.Key] = entry with { ExpiresAt = now + lease };
                return Task.FromResult(true);
            }
        }
        return Task.FromResult(false);
    }

    /// <inheritdoc />
    public Task MarkDeliveredAsync(DedupeClaim claim, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_lock)
        {
            Set(claim.Key, Delivered, timeProvider.GetUtcNow() + window);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReleaseAsync(DedupeClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_lock)
        {
            if (_entries.TryGetValue(claim.Key, out var entry) && entry.Value == claim.Token)
            {
                _entries.Remove(claim.Key);
            }
        }
        return Task.CompletedTask;
    }

    private void Set(string key, string value, DateTimeOffset expiresAt)
    {
        if (!_entries.ContainsKey(key))
        {
            _order.Enqueue(key);
        }
        _entries[key] = new Entry(value, expiresAt);

        // Forget the oldest keys beyond the bound (a key released meanwhile is simply gone already).
        while (_entries.Count > maxEntries && _order.TryDequeue(out var oldest))
        {
            _entries.Remove(oldest);
        }

        // Keys removed by a release stay queued; keep the queue from outgrowing the dictionary by much.
        if (_order.Count > 2 * Math.Max(maxEntries, _entries.Count))
        {
            var live = _order.Where(_entries.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
            _order.Clear();
            foreach (var k in live)
            {
                _order.Enqueue(k);
            }
        }
    }

    private sealed record Entry(string Value, DateTimeOffset ExpiresAt);
}
