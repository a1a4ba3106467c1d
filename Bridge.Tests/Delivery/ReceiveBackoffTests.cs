using Bridge.Subscriber.Delivery;

namespace Bridge.Tests.Delivery;

public sealed class ReceiveBackoffTests
{
    [Fact]
    public void The_wait_after_a_failed_receive_doubles_from_a_tenth_of_a_second()
    {
        Assert.InRange(ReceiveBackoff.After(1).TotalMilliseconds, 80, 120);
        Assert.InRange(ReceiveBackoff.After(2).TotalMilliseconds, 160, 240);
        Assert.InRange(ReceiveBackoff.After(4).TotalMilliseconds, 640, 960);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(20)]
    [InlineData(1_000)]
    [InlineData(int.MaxValue)]
    public void However_long_the_broker_is_down_the_wait_never_exceeds_the_ceiling(int failures)
    {
        var wait = ReceiveBackoff.After(failures);

        Assert.True(wait <= ReceiveBackoff.Ceiling, $"{wait} after {failures} failures");
        Assert.True(wait >= TimeSpan.FromSeconds(1.5), $"{wait} after {failures} failures");
    }
}
