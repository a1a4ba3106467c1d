using System.Threading.RateLimiting;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// The optional rate limit of a webhook endpoint: a token bucket refilled evenly (in steps of at most 10 ms), so calls
/// start at most <c>perSecond</c> a second without bursts above a hundredth of that.
/// </summary>
internal sealed class EndpointRateLimit(int perSecond) : IAsyncDisposable
{
    private readonly TokenBucketRateLimiter _bucket = Create(perSecond);

    /// <summary>Waits for one call, then takes up to <paramref name="wanted"/> − 1 more that are free now; returns how many.</summary>
    public async ValueTask<int> AcquireAsync(int wanted, CancellationToken cancellationToken)
    {
        using (var first = await _bucket.AcquireAsync(1, cancellationToken))
        {
            if (!first.IsAcquired)
            {
                return 0;
            }
        }

        var granted = 1;
        while (granted < wanted)
        {
            using var more = _bucket.AttemptAcquire(1);
            if (!more.IsAcquired)
            {
                break;
            }
            granted++;
        }
        return granted;
    }

    public ValueTask DisposeAsync() => _bucket.DisposeAsync();

    private static TokenBucketRateLimiter Create(int perSecond)
    {
        var tokensPerPeriod = Math.Max(1, perSecond / 100);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerPeriod,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * tokensPerPeriod / perSecond),
            QueueLimit = 1,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
