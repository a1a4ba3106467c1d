using Bridge.Tests.Support;

namespace Bridge.Tests.Outbox;

/// <summary>The transactional outbox against a real rabbitmq-server of the test's own, stopped and restarted mid-run.</summary>
public sealed class OutboxTests : BridgeTestBase
{
    [Fact]
    public async Task Publishing_goes_on_while_the_broker_is_down_and_every_event_arrives_once_per_subscription_after_it_returns()
    {
        await using var broker = await RabbitMqServer.StartAsync("outbox");
        var topology = new TestTopology()
            .Subscription("orders", "erp", Receiver.UrlOf("erp"))
            .Subscription("orders", "crm", Receiver.UrlOf("crm"))
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", broker.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "outbox" + Guid.NewGuid().ToString("N")[..8])
            .With("Bridge:Outbox:MaxBackoff", "00:00:01");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var published = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            published.Add(await PublishAsync(client, "orders", new { orderId = $"before-{i}" }, "order.created"));
        }
        await Receiver["erp"].WaitForAsync(10, Patience);

        await broker.StopAsync();
        for (var i = 0; i < 30; i++)
        {
            published.Add(await PublishAsync(client, "orders", new { orderId = $"during-{i}" }, "order.created", new Dictionary<string, string> { ["ce-partitionkey"] = "customer-1" }));
        }
        var waiting = Convert.ToInt64(QueryFile("bridge.db", "SELECT COUNT(*) FROM outbox"), System.Globalization.CultureInfo.InvariantCulture);
        await broker.RestartAsync();

        var erp = await Receiver["erp"].WaitForAsync(published.Count, TimeSpan.FromSeconds(90));
        var crm = await Receiver["crm"].WaitForAsync(published.Count, TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(2)); // room for a duplicate to show up

        Assert.True(waiting > 0, "while the broker was down the accepted envelopes waited in the outbox");
        foreach (var hook in new[] { Receiver["erp"], Receiver["crm"] })
        {
            var ids = hook.Received.Select(r => r.MessageId).ToList();
            Assert.Equal(published.Order(), ids.Order()); // each exactly once
        }
        var during = erp.Select(r => r.Json.GetProperty("data").GetProperty("orderId").GetString()).Where(o => o!.StartsWith("during-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"during-{i}"), during); // the ordering key's order held through the outage
        Assert.Equal(0L, Convert.ToInt64(QueryFile("bridge.db", "SELECT COUNT(*) FROM outbox"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(crm);
    }
    [Fact]
    public async Task A_bridge_started_while_its_broker_is_down_waits_for_it_and_then_delivers()
    {
        await using var broker = await RabbitMqServer.StartAsync("late");
        await broker.StopAsync();
        var topology = new TestTopology()
            .Subscription("orders", "erp", Receiver.UrlOf("erp"))
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", broker.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "late" + Guid.NewGuid().ToString("N")[..8]);

        // The process waits for its broker instead of exiting; it listens once the topology is provisioned.
        var starting = StartBridgeAsync(topology);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(starting.IsFaulted, starting.Exception?.ToString());
        await broker.RestartAsync();
        await using var bridge = await starting;
        Assert.Contains("The broker cannot be reached to provision the topology", bridge.Output, StringComparison.Ordinal);

        using var client = bridge.CreateClient();
        await PublishAsync(client, "orders", new { orderId = "after" }, "order.created");
        await Receiver["erp"].WaitForAsync(1, Patience);
    }

    [Fact]
    public async Task Subscribers_receive_again_within_moments_of_a_long_broker_outage_ending()
    {
        await using var broker = await RabbitMqServer.StartAsync("reconnect");
        var topology = new TestTopology()
            .Subscription("orders", "erp", Receiver.UrlOf("erp"))
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", broker.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "reconnect" + Guid.NewGuid().ToString("N")[..8])
            .With("Bridge:Outbox:MaxBackoff", "00:00:01");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        await PublishAsync(client, "orders", new { orderId = "before" }, "order.created");
        await Receiver["erp"].WaitForAsync(1, Patience);

        // Long enough that a doubling wait would have grown past ten seconds by the time the broker is back.
        await broker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(12));
        await PublishAsync(client, "orders", new { orderId = "during" }, "order.created");
        await broker.RestartAsync();
        var back = System.Diagnostics.Stopwatch.StartNew();

        await Receiver["erp"].WaitForAsync(2, TimeSpan.FromSeconds(60));
        var gap = back.Elapsed;

        Assert.True(gap < TimeSpan.FromSeconds(6), $"the first delivery after the broker came back took {gap.TotalSeconds:F1} s");
    }
}
