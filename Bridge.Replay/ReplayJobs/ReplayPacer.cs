using System.Threading.RateLimiting;

namespace Bridge.Replay.ReplayJobs;

/// <summary>
/// Paces a job at most <c>ratePerSecond</c> dead letters per second with a token bucket: every period of
/// <c>batch / rate</c> seconds (about 100 ms, at most 1 s) it grants one batch of about a tenth of the rate, so replays
/// flow evenly, never in bursts of more than one batch.
/// </summary>
internal sealed class ReplayPacer : IAsyncDisposable
{
    /// <summary>How often a running job, replay or recovery, writes its progress while it sends.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    private readonly TokenBucketRateLimiter _bucket;

    public ReplayPacer(int ratePerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerSecond, 1);
        BatchSize = Math.Max(1, ratePerSecond / 10);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = BatchSize,
            TokensPerPeriod = BatchSize,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)BatchSize / ratePerSecond),
            QueueLimit = BatchSize,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Most dead letters granted at once.</summary>
    public int BatchSize { get; }

    /// <summary>Waits until <paramref name="count"/> (at most <see cref="BatchSize"/>) dead letters may go.</summary>
    public async Task WaitAsync(int count, CancellationToken cancellationToken)
    {
        using var lease = await _bucket.AcquireAsync(count, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The replay pacer refused a batch it should have queued.");
        }
    }

    public ValueTask DisposeAsync() => _bucket.DisposeAsync();
}
