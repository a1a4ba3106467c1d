using Bridge.Tests.Support;

namespace Bridge.Tests.Dedupe;

/// <summary>
/// Two bridges consume one subscription on RabbitMQ with the Redis dedupe store; one is killed with SIGKILL while its
/// webhook calls are in flight. The survivor finds the dead process's dedupe claims: it must wait for them (they free
/// within a claim lease, since only a live holder renews them) without spending deliveries, then deliver.
/// </summary>
public sealed class SubscriberCrashTests : BridgeTestBase
{
    private const int Events = 24;

    [Fact]
    public async Task A_subscriber_killed_mid_call_leaves_no_dead_letter_and_no_duplicate_effect()
    {
        await using var redis = await RedisServer.StartAsync();
        Receiver["erp"].Delay = TimeSpan.FromMilliseconds(300);
        var topology = await SharedRabbitMq.UseAsync(new TestTopology()
            // Three attempts, retried after 100 ms: a wait that spent deliveries would dead-letter within a second or two.
            .Subscription("orders", "erp", Receiver.UrlOf("erp"), maxAttempts: 3)
            .With("Bridge:Dedupe:Store", "redis")
            .With("Bridge:Dedupe:ClaimLease", "00:00:06")
            .With("ConnectionStrings:cache", redis.ConnectionString), "crash");

        using var survivorData = new TestDirectory();
        await using var doomed = await StartBridgeAsync(topology);
        await using var survivor = await BridgeProcess.StartAsync(survivorData.Path, topology.Settings);
        using (var client = doomed.CreateClient())
        {
            for (var i = 0; i < Events; i++)
            {
                await PublishAsync(client, "orders", new { n = i }, "order.created");
            }
        }

        // Every accepted event is on the broker (the outbox forwarded it), and calls are in flight: kill one subscriber.
        await EventuallyAsync(() => Task.FromResult(Convert.ToInt64(QueryFile("bridge.db", "SELECT COUNT(*) FROM outbox"), System.Globalization.CultureInfo.InvariantCulture)),
            n => n == 0, "the outbox to forward every event");
        await Receiver["erp"].WaitForAsync(4, Patience);
        await doomed.KillAsync();

        // The survivor delivers every event: distinct webhook-ids are the effects of a receiver that dedupes on them.
        var effects = await EventuallyAsync(() => Task.FromResult(Receiver["erp"].Received.Select(r => r.Headers["webhook-id"]).Distinct().Count()),
            n => n == Events, "every event to reach the receiver");
        await Task.Delay(TimeSpan.FromSeconds(1)); // anything still in flight would show as an extra effect
        using var admin = survivor.CreateClient();
        var deadLetters = await DeadLettersAsync(admin, "orders", "erp");

        Assert.Equal(Events, effects);
        Assert.Equal(Events, Receiver["erp"].Received.Select(r => r.Headers["webhook-id"]).Distinct().Count());
        Assert.Equal(0, deadLetters.GetProperty("items").GetArrayLength());
        Assert.Equal(0L, Scalar(survivorData.Path, "SELECT COUNT(*) FROM dead_letters"));
        // Waiting on the dead process's claim spent no delivery: no attempt beyond the one the crash itself cost.
        Assert.True(Scalar(survivorData.Path, "SELECT COALESCE(MAX(\"Attempt\"), 0) FROM delivery_attempts") <= 2,
            "the survivor spent deliveries while waiting on the dead subscriber's claims");
    }

    private static long Scalar(string dataDirectory, string sql) =>
        Convert.ToInt64(QueryFile(dataDirectory, "bridge.db", sql), System.Globalization.CultureInfo.InvariantCulture);
}
