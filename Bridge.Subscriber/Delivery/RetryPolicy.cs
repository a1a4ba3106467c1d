using System.Net;
using Bridge.Store.Attempts;

namespace Bridge.Subscriber.Delivery;

/// <summary>Classifies webhook answers and computes retry delays.</summary>
internal static class RetryPolicy
{
    /// <summary>2xx delivered; 408, 429 and 5xx transient; every other status a permanent rejection.</summary>
    public static AttemptOutcome Classify(HttpStatusCode status)
    {
        var code = (int)status;
        return code switch
        {
            >= 200 and < 300 => AttemptOutcome.Delivered,
            408 or 429 or >= 500 => AttemptOutcome.Failed,
            _ => AttemptOutcome.Rejected,
        };
    }

    /// <summary>
    /// Delay before the attempt after <paramref name="attempt"/>: exponential from <paramref name="baseDelay"/>
    /// with "equal jitter" (half fixed, half random), capped at <paramref name="maxDelay"/>. A <c>Retry-After</c>
    /// from the receiver wins, within the same cap.
    /// </summary>
    public static TimeSpan NextDelay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter, double random)
    {
        if (retryAfter is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > maxDelay ? maxDelay : asked;
        }

        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((ceiling / 2) + (ceiling / 2 * Math.Clamp(random, 0, 1)));
    }
}
