using System.Collections.Concurrent;

namespace Bridge.Chaos.Receiver;

/// <summary>
/// What the independent receiver saw: every call, how it answered, and — for the calls it acknowledged — each
/// <c>webhook-id</c> (a repeat is a duplicate delivery) and each event's sequence number (a second webhook-id for the
/// same sequence number is a duplicate effect even for a receiver that dedupes on webhook-id).
/// </summary>
internal sealed class DeliveryLedger(Timeline timeline)
{
    private readonly ConcurrentDictionary<string, int> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _firstAcknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string> _effects = new();
    private readonly ConcurrentQueue<string> _duplicateEffects = new();
    private readonly ConcurrentQueue<string> _rejected = new();
    private long _calls;
    private long _duplicates;
    private long _serverErrors;
    private long _tooManyRequests;
    private long _slow;

    public long Calls => Interlocked.Read(ref _calls);

    public int Delivered => _acknowledged.Count;

    public long DuplicateDeliveries => Interlocked.Read(ref _duplicates);

    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    public long TooManyRequests => Interlocked.Read(ref _tooManyRequests);

    public long Slow => Interlocked.Read(ref _slow);

    /// <summary>Calls refused because the signature or the CloudEvent did not verify, with why.</summary>
    public IReadOnlyCollection<string> Rejected => _rejected;

    /// <summary>Sequence numbers delivered under two different webhook-ids, with both ids.</summary>
    public IReadOnlyCollection<string> DuplicateEffects => _duplicateEffects;

    public bool WasDelivered(string webhookId) => _acknowledged.ContainsKey(webhookId);

    /// <summary>How often <paramref name="webhookId"/> was acknowledged, and when first (since the run started); null when never.</summary>
    public (int Times, TimeSpan First)? Acknowledgements(string webhookId) =>
        _acknowledged.TryGetValue(webhookId, out var times) && _firstAcknowledged.TryGetValue(webhookId, out var first) ? (times, first) : null;

    public void Called() => Interlocked.Increment(ref _calls);

    public void AnsweredServerError() => Interlocked.Increment(ref _serverErrors);

    public void AnsweredTooManyRequests() => Interlocked.Increment(ref _tooManyRequests);

    public void AnsweredSlowly() => Interlocked.Increment(ref _slow);

    public void Reject(string why) => _rejected.Enqueue(why);

    /// <summary>Records an acknowledged (2xx) call of <paramref name="webhookId"/> carrying event <paramref name="sequence"/>.</summary>
    public void Acknowledge(string webhookId, long sequence)
    {
        _firstAcknowledged.TryAdd(webhookId, timeline.Elapsed);
        if (_acknowledged.AddOrUpdate(webhookId, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        timeline.Delivered();
        var first = _effects.GetOrAdd(sequence, webhookId);
        if (!string.Equals(first, webhookId, StringComparison.Ordinal))
        {
            _duplicateEffects.Enqueue($"seq {sequence}: {first} and {webhookId}");
        }
    }
}
