using System.Diagnostics;

namespace Bridge.Tests.Transport;

public abstract partial class TransportBehaviour
{
    [Fact]
    public async Task The_backlog_counts_pending_envelopes_and_holds_scheduled_ones_and_delayed_retries_apart()
    {
        var topic = UniqueName("backlog");
        var address = await ProvisionAsync(topic, Subscription(topic, "counted", lockDuration: LongLockDuration));
        if (await Transport.Backlog.CountAsync(address, Ct) is null)
        {
            Assert.Skip("This broker cannot count a subscription's messages (the Service Bus emulator has no administration API).");
        }
        await AssertBacklogAsync(address, pending: 0, held: 0);

        await PublishAsync(topic, NewEnvelope("b1"), NewEnvelope("b2"), NewEnvelope("b3"));
        await AssertBacklogAsync(address, pending: 3, held: 0);

        await Transport.Publisher.PublishAsync(topic, [new OutgoingMessage(NewEnvelope("later"), DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5))], Ct);
        await AssertBacklogAsync(address, pending: 3, held: 1);

        // A delivery under lock is in flight: counted by neither.
        await using var receiver = Transport.Receivers.CreateReceiver(address);
        var taken = await ReceiveOneAsync(receiver);
        await AssertBacklogAsync(address, pending: 2, held: 1);

        // A retry waiting out its delay is held.
        await receiver.AbandonAsync(taken, TimeSpan.FromMinutes(5), Ct);
        await AssertBacklogAsync(address, pending: 2, held: 2);
    }

    /// <summary>Waits (counts may lag on a cloud broker) until the backlog is as expected; held is not checked where the transport cannot tell.</summary>
    private async Task AssertBacklogAsync(SubscriptionAddress address, long pending, long held)
    {
        var clock = Stopwatch.StartNew();
        SubscriptionBacklog backlog;
        while (true)
        {
            backlog = (await Transport.Backlog.CountAsync(address, Ct))!;
            if ((backlog.Pending == pending && (backlog.Held is null || backlog.Held == held)) || clock.Elapsed > ArrivalTimeout)
            {
                break;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), Ct);
        }

        Assert.Equal(pending, backlog.Pending);
        if (backlog.Held is { } counted)
        {
            Assert.Equal(held, counted);
        }
    }
}
