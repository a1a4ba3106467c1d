using Bridge.Dedupe.Redis;
using Bridge.Tests.Support;

namespace Bridge.Tests.Dedupe;

public sealed class DedupeEndToEndTests : BridgeTestBase
{
    [Fact]
    public async Task A_redelivery_of_an_envelope_already_delivered_is_completed_without_a_second_call_and_a_redis_outage_loses_nothing()
    {
        await using var redis = await RedisServer.StartAsync();
        var topology = new TestTopology()
            .Subscription("orders", "erp", Receiver.UrlOf("erp"))
            .With("Bridge:Dedupe:Store", "redis")
            .With("ConnectionStrings:cache", redis.ConnectionString); // the name an Aspire AppHost gives its Redis
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        // An envelope this subscription delivered before, whose completion was lost: the shared store remembers it.
        await using (var connection = RedisConnection.Open(redis.ConnectionString))
        {
            var store = new RedisDeliveryDedupe(connection, "bridge");
            // Delivery dedupe knows an envelope by its id within its publisher (the tests publish as "bootstrap").
            var earlier = await store.ClaimAsync(new("orders", "erp"), "bootstrap/delivered-before", TimeSpan.FromMinutes(1), Ct);
            await store.MarkDeliveredAsync(earlier, TimeSpan.FromMinutes(10), Ct);
        }

        await PublishAsync(client, "orders", new { n = 1 }, "order.created", new Dictionary<string, string> { ["ce-id"] = "delivered-before" });
        var fresh = await PublishAsync(client, "orders", new { n = 2 }, "order.created");
        await Receiver["erp"].WaitForAsync(1, Patience);
        await EventuallyAsync(() => QueuedAsync(), n => n == 0, "both envelopes to be completed");
        Assert.Equal([fresh], Receiver["erp"].Received.Select(r => r.MessageId));

        // Redis goes away: deliveries go on (at least once), nothing is lost.
        await redis.StopAsync();
        var during = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            during.Add(await PublishAsync(client, "orders", new { n = 10 + i }, "order.created"));
        }
        await Receiver["erp"].WaitForAsync(6, Patience);
        Assert.Subset(Receiver["erp"].Received.Select(r => r.MessageId).ToHashSet(), during.ToHashSet());

        // Back again: the dedupe works as before.
        await redis.StartAgainAsync();
        var after = await PublishAsync(client, "orders", new { n = 20 }, "order.created");
        await EventuallyAsync(() => Task.FromResult(Receiver["erp"].Received.Count(r => r.MessageId == after)), n => n == 1, "the event published after the outage");
        Assert.Equal(during.Count + 2, Receiver["erp"].Received.Select(r => r.MessageId).Distinct().Count());

        Task<long> QueuedAsync() => Task.FromResult((long)(QueryFile("broker.db", "SELECT COUNT(*) FROM messages") ?? 0L));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
