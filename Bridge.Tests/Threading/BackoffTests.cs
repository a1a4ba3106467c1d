using Bridge.Threading;

namespace Bridge.Tests.Threading;

public sealed class BackoffTests
{
    [Fact]
    public void The_first_wait_is_the_first_then_each_doubles_up_to_the_ceiling()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));

        Assert.Equal([500d, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000], Enumerable.Range(1, 7).Select(n => backoff.After(n).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.After(int.MaxValue));
    }

    [Fact]
    public void A_first_wait_above_the_ceiling_is_kept_and_later_ones_are_capped()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100));

        Assert.Equal(TimeSpan.FromMilliseconds(500), backoff.After(1));
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.After(2));
    }
}
