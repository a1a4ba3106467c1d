using Bridge.Tests.Support;

namespace Bridge.Tests.Delivery;

/// <summary>An explicit retry schedule end to end: the attempts come at its delays, one more than it has entries, then the dead letter.</summary>
public sealed class RetryScheduleTests : BridgeTestBase
{
    [Fact]
    public async Task Attempts_follow_the_schedule_and_the_envelope_is_dead_lettered_after_its_last_entry()
    {
        Receiver["failing"].Decide = (_, _) => 503;
        const string key = "Bridge:Topics:orders:Subscriptions:failing:Webhook";
        var topology = new TestTopology().Topic("orders")
            .Subscription("orders", "failing", Receiver.UrlOf("failing"), maxAttempts: 8)
            .With($"{key}:RetrySchedule:0", "00:00:01")
            .With($"{key}:RetrySchedule:1", "00:00:03");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var id = await PublishAsync(client, "orders", new { n = 1 }, "order.created");
        var deadLetters = await EventuallyAsync(() => DeadLettersAsync(client, "orders", "failing"), d => d.GetProperty("items").GetArrayLength() == 1, "the dead letter after the schedule");

        Assert.Equal("MaxAttemptsExceeded", deadLetters.GetProperty("items")[0].GetProperty("reason").GetString());
        var calls = Receiver["failing"].Received.Where(r => r.Headers["webhook-id"] == id).Select(r => r.At).Order().ToList();
        Assert.Equal(3, calls.Count); // the schedule's two delays give three attempts, not MaxAttempts' eight
        var first = calls[1] - calls[0];
        var second = calls[2] - calls[1];
        Assert.InRange(first.TotalSeconds, 0.9, 2.5);
        Assert.InRange(second.TotalSeconds, 2.9, 5.5);
    }
}
