using Bridge.Tests.Support;

namespace Bridge.Tests.Replay;

/// <summary>A replay job on the RabbitMQ transport.</summary>
public sealed class RabbitMqReplayJobTests : ReplayTestBase
{
    [Fact]
    public async Task A_replay_job_on_RabbitMQ_replays_every_dead_letter_once_in_dead_letter_order()
    {
        var server = await SharedRabbitMq.GetAsync();
        var hook = Receiver["rabbit"];
        var fixedUp = false;
        hook.Decide = (_, _) => fixedUp ? 200 : 400;
        // Rejections (400) dead-letter on the first call whatever MaxAttempts is; 3 keeps the broker's delivery limit clear
        // of the redeliveries RabbitMQ counts for messages it pushed ahead.
        var topology = Topology("rabbit", maxAttempts: 3, concurrency: 8)
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", server.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "rj" + Guid.NewGuid().ToString("N")[..8]);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var ids = await PublishBatchAsync(client, Enumerable.Range(0, 60).Select(i => new { type = "order.created", orderingKey = "key-" + (i % 4), data = new { i } }));
        await WaitForDeadLettersAsync(client, "rabbit", 60);
        fixedUp = true;
        var before = hook.Received.Count;

        var job = await StartJobAsync(client, "rabbit", new { ratePerSecond = 200 });
        var done = await WaitForJobToEndAsync(client, job.GetProperty("id").GetString()!);

        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(60, done.GetProperty("replayed").GetInt32());
        await hook.WaitForAsync(before + 60, Patience);
        await Task.Delay(300);
        var replayed = hook.Received.Skip(before).Select(r => r.MessageId).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), replayed.Order(StringComparer.Ordinal)); // each exactly once
        for (var key = 0; key < 4; key++)
        {
            var ofKey = ids.Where((_, i) => i % 4 == key).ToList();
            Assert.Equal(ofKey, replayed.Where(ofKey.Contains).ToList());
        }
        Assert.Empty(await DeadLetterIdsAsync(client, "rabbit"));
    }
}
