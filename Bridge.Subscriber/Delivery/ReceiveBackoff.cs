using Bridge.Threading;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// How long a subscription's loop waits before receiving again after the broker failed: 100 ms doubling to at most
/// <see cref="Ceiling"/>, with ±20 % jitter so the loops of many subscriptions do not knock on the broker together.
/// The ceiling is short on purpose: a receive against a broker that is down fails at once and costs nothing, and the
/// publisher's outbox forwards as soon as the broker is back, so the subscribers must not lag it by more than a moment.
/// </summary>
internal static class ReceiveBackoff
{
    /// <summary>The longest wait between two tries; the gap after the broker is back is at most this.</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(2);

    private static readonly Backoff Doubling = new(TimeSpan.FromMilliseconds(100), Ceiling);

    /// <summary>The wait after <paramref name="failures"/> failed receives in a row (1 = the first failure).</summary>
    public static TimeSpan After(int failures)
    {
        var wait = Doubling.After(failures).TotalMilliseconds;
#pragma warning disable CA5394 // Jitter, not security.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Min(wait * jitter, Ceiling.TotalMilliseconds));
    }
}
