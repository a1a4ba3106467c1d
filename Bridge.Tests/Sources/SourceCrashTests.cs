using Bridge.Tests.Support;

namespace Bridge.Tests.Sources;

/// <summary>
/// A bridge killed with -9 while it reads a RabbitMQ source loses nothing: the messages it had not acknowledged come
/// again, what it had already published is not published twice, and each key's events still arrive in order.
/// </summary>
public sealed class SourceCrashTests : BridgeTestBase
{
    [Fact]
    public async Task A_kill_between_receive_and_acknowledge_loses_nothing_and_redeliveries_are_not_published_again()
    {
        await using var source = await RabbitMqSource.CreateAsync();
        var hook = Receiver["erp"];
        hook.Delay = TimeSpan.FromMilliseconds(20);
        var mapping = new Dictionary<string, string> { ["Type"] = "erp.order.changed", ["OrderingKeyFrom"] = "property:customer", ["SubjectFrom"] = "property:customer" };
        var topology = source.Configure(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp"), maxAttempts: 20, concurrency: 8, lockDuration: "00:00:02"),
            "erp", "orders", mapping).With("Bridge:Sources:erp:MaxBatch", "10");

        const int Count = 400;
        string[] customers = ["c-1", "c-2", "c-3", "c-4", "c-5"];
        var bridge = await StartBridgeAsync(topology);
        try
        {
            for (var i = 0; i < Count; i++)
            {
                var customer = customers[i % customers.Length];
                await source.PublishJsonAsync("order.changed", $$"""{"seq":{{i}}}""", $"m-{i}", new Dictionary<string, object?> { ["customer"] = customer });
            }

            await EventuallyAsync(() => Task.FromResult(hook.Received.Count), n => n >= 40, "deliveries under way");
            await bridge.KillAsync();
        }
        finally
        {
            await bridge.DisposeAsync();
        }

        var beforeRestart = hook.Received.Select(r => r.MessageId).ToHashSet();
        Assert.True(beforeRestart.Count < Count, "The kill must interrupt the stream for this test to prove anything.");
        hook.Delay = TimeSpan.Zero;
        await using var restarted = await StartBridgeAsync(topology);
        var expected = Enumerable.Range(0, Count).Select(i => $"m-{i}").ToHashSet();
        await EventuallyAsync(() => Task.FromResult(expected.Except(hook.Received.Select(r => r.MessageId)).Count()), missing => missing == 0, "every message delivered");
        await Task.Delay(TimeSpan.FromSeconds(2)); // room for a duplicate to arrive, if one were coming

        Receiver.AssertEveryDeliveryVerified();
        var received = hook.Received;
        // A message the broker delivered again after the kill was published again only if the kill fell between its
        // publish and its receipt; either way the copies share the id, so an event the dead process had not delivered
        // yet is delivered exactly once. One it had called the webhook for may come once more, with the same webhook-id.
        var twice = received.GroupBy(r => r.MessageId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.All(twice, id => Assert.Contains(id, beforeRestart));
        Assert.Equal(expected, received.Select(r => r.MessageId).ToHashSet());

        foreach (var customer in customers)
        {
            // Per key, the first arrival of each event follows the source's order (a delivery cut short by the kill may come again, but never after its successor).
            var firsts = received.Where(r => r.CloudEvent.Subject == customer).Select(r => r.MessageId).Distinct()
                .Select(id => int.Parse(id[2..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(firsts.Order(), firsts);
        }
    }
}
