using Bridge.Transport.RabbitMQ;

namespace Bridge.Tests.Transport.RabbitMq;

/// <summary>
/// Which failed takes close the subscription's channel. A take whose <c>basic.consume</c> or <c>basic.qos</c> the
/// client gave up on (its continuation timeout, raised as a cancellation nobody asked for) must close it: the broker may
/// have registered the consumer anyway, and a consumer the session does not know holds a full window unacknowledged —
/// the fault run saw 32 messages held so, for as long as the channel lived, after a broker restart.
/// </summary>
public sealed class SessionChannelRecoveryTests
{
    [Fact]
    public void A_cancellation_the_client_raised_itself_closes_the_channel()
    {
        using var caller = new CancellationTokenSource();

        Assert.True(SubscriptionSession.DropsChannel(new TaskCanceledException("continuation timeout"), caller.Token));
        Assert.True(SubscriptionSession.DropsChannel(new OperationCanceledException(), caller.Token));
    }

    [Fact]
    public async Task The_callers_own_cancellation_keeps_the_channel()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        Assert.False(SubscriptionSession.DropsChannel(new OperationCanceledException(caller.Token), caller.Token));
    }

    [Fact]
    public void Broker_failures_close_the_channel_and_a_disposed_session_does_not_touch_it()
    {
        Assert.True(SubscriptionSession.DropsChannel(new InvalidOperationException("channel closed"), CancellationToken.None));
        Assert.True(SubscriptionSession.DropsChannel(new IOException("connection reset"), CancellationToken.None));
        Assert.False(SubscriptionSession.DropsChannel(new ObjectDisposedException("session"), CancellationToken.None));
    }
}
