using System.Diagnostics;
using Bridge.Subscriber.Endpoints;

namespace Bridge.Tests.Endpoints;

/// <summary>The endpoint rate limit paces calls by the clock.</summary>
public sealed class EndpointRateLimitTests
{
    [Fact]
    public async Task Calls_are_spaced_evenly_at_the_rate_after_the_first()
    {
        var limit = new EndpointRateLimit(20, TimeProvider.System);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 11; i++)
        {
            Assert.Equal(1, await limit.AcquireAsync(4, CancellationToken.None));
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(480), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_high_rate_allows_bursts_of_a_hundredth_of_it_and_no_more()
    {
        var limit = new EndpointRateLimit(1000, TimeProvider.System);

        Assert.Equal(10, await limit.AcquireAsync(50, CancellationToken.None));
        var clock = Stopwatch.StartNew();
        var granted = 0;
        while (granted < 100)
        {
            granted += await limit.AcquireAsync(50, CancellationToken.None);
        }

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(80), $"100 calls at 1000/s after a burst took {clock.ElapsedMilliseconds} ms");
    }
}
