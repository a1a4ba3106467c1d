namespace Bridge.Tests.Replay;

/// <summary>The scheduled sweeper re-drives old dead letters of transient reasons and leaves the others.</summary>
public sealed class SweeperTests : ReplayTestBase
{
    [Fact]
    public async Task The_sweeper_redrives_old_MaxAttemptsExceeded_dead_letters_on_its_interval_and_leaves_other_reasons()
    {
        var hook = Receiver["swept"];
        var healed = false;
        // order.retry fails transiently (503: MaxAttemptsExceeded after one attempt) until healed; order.bad is rejected for good.
        hook.Decide = (request, _) => request.Json.GetProperty("type").GetString() == "order.bad" ? 400 : healed ? 200 : 503;
        var topology = Topology("swept")
            .With("Bridge:Replay:Sweeper:Enabled", "true")
            .With("Bridge:Replay:Sweeper:Interval", "00:00:01")
            .With("Bridge:Replay:Sweeper:MinAge", "00:00:02")
            .With("Bridge:Replay:Sweeper:RatePerSecond", "100");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var ids = await PublishBatchAsync(client, [Event("order.retry"), Event("order.bad"), Event("order.retry"), Event("order.bad"), Event("order.retry")]);
        var deadLetters = await EventuallyAsync(() => ListDeadLettersAsync(client, "swept"), d => d.Count == 5, "five dead letters");
        healed = true;

        string[] retries = [ids[0], ids[2], ids[4]];
        var redriven = await EventuallyAsync(
            () => Task.FromResult(hook.Received.Where(r => retries.Contains(r.MessageId)).GroupBy(r => r.MessageId).Where(g => g.Count() == 2).Select(g => g.Last()).ToList()),
            r => r.Count == 3, "the sweeper to re-drive the three transient failures");

        foreach (var delivery in redriven)
        {
            var deadLettered = deadLetters.Single(d => d.GetProperty("messageId").GetString() == delivery.MessageId).GetProperty("deadLetteredTime").GetDateTimeOffset();
            Assert.True(delivery.At - deadLettered >= TimeSpan.FromSeconds(1.9), $"Re-driven {delivery.At - deadLettered} after it was dead-lettered, before MinAge.");
        }
        var remaining = await ListDeadLettersAsync(client, "swept");
        Assert.Equal(new[] { ids[1], ids[3] }.Order(StringComparer.Ordinal), remaining.Select(d => d.GetProperty("messageId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(remaining, d => Assert.Equal("WebhookRejected", d.GetProperty("reason").GetString()));
        Assert.Equal(1, hook.Received.Count(r => r.MessageId == ids[1]));

        var jobs = (await GetJsonAsync(client, "/api/replay-jobs?subscription=swept")).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(jobs);
        Assert.All(jobs, j => Assert.Equal("sweeper", j.GetProperty("requestedBy").GetString()));
        await EventuallyAsync(
            async () => (await GetJsonAsync(client, "/api/replay-jobs?subscription=swept")).GetProperty("items").EnumerateArray().Sum(j => j.GetProperty("replayed").GetInt32()),
            n => n == 3, "the sweeper's jobs to count three replays");
        Assert.Equal(["MaxAttemptsExceeded", "MaxDeliveryCountExceeded"], jobs[0].GetProperty("filter").GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        await bridge.WaitForOutputAsync("Sweeper started replay job rj_[0-9a-f]{32} for orders/swept", Patience);
    }

    [Fact]
    public async Task A_sweeper_naming_an_unknown_subscription_stops_the_bridge_at_start_up_naming_the_key()
    {
        var topology = Topology("swept")
            .With("Bridge:Replay:Sweeper:Enabled", "true")
            .With("Bridge:Replay:Sweeper:Subscriptions:0", "orders/missing");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartBridgeAsync(topology));

        Assert.Contains("Bridge:Replay:Sweeper:Subscriptions:0 must name a configured subscription", error.Message, StringComparison.Ordinal);
    }

    private static object Event(string type) => new { type, data = new { at = Guid.NewGuid() } };
}
