namespace Bridge.Subscriber.Delivery;

/// <summary>Computes retry delays (answers are classified by <see cref="Bridge.Webhooks.WebhookSender.Classify"/>).</summary>
internal static class RetryPolicy
{
    /// <summary>
    /// Delay before the attempt after <paramref name="attempt"/>. With a <paramref name="schedule"/>, its entry for the
    /// attempt (the last one beyond its end), exactly — a schedule someone wrote down is kept to. Without one (empty),
    /// exponential from <paramref name="baseDelay"/> with "equal jitter" (half fixed, half random), capped at
    /// <paramref name="maxDelay"/>. A <c>Retry-After</c> from the receiver wins either way, within the same cap.
    /// </summary>
    public static TimeSpan NextDelay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, IReadOnlyList<TimeSpan> schedule, TimeSpan? retryAfter, double random)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (retryAfter is null && schedule.Count > 0)
        {
            return schedule[Math.Clamp(attempt - 1, 0, schedule.Count - 1)];
        }

        if (retryAfter is { } asked)
        {
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > maxDelay ? maxDelay : asked;
        }

        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ceiling = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((ceiling / 2) + (ceiling / 2 * Math.Clamp(random, 0, 1)));
    }
}
