using Bridge.Telemetry;
using Bridge.Tests.Replay;

namespace Bridge.Tests.Telemetry;

/// <summary>The backlog gauge as an OTLP backend receives it from a real bridge process.</summary>
public sealed class BacklogGaugeTests : ReplayTestBase
{
    [Fact]
    public async Task The_backlog_gauge_reports_pending_and_held_envelopes_per_subscription()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        // One call at a time, a second each, every one failing: the others wait (pending), the failed ones wait a minute for their retry (held).
        Receiver["slow"].DefaultStatus = 500;
        Receiver["slow"].Delay = TimeSpan.FromSeconds(1);
        var topology = Topology("slow", maxAttempts: 20, concurrency: 1)
            .With($"Bridge:Topics:{Topic}:Subscriptions:slow:Webhook:RetryBaseDelay", "00:01:00")
            .With($"Bridge:Topics:{Topic}:Subscriptions:slow:Webhook:MaxRetryDelay", "00:02:00")
            .With("Bridge:Replay:DepthInterval", "00:00:01");
        foreach (var (key, value) in otlp.ExporterSettings)
        {
            topology.With(key, value);
        }
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        await PublishBatchAsync(client, Enumerable.Range(0, 30).Select(i => new { type = "order.created", data = new { i } }));

        var points = await otlp.WaitForGaugesAsync(
            all => Latest(all, "pending") > 0 && Latest(all, "held") > 0, TimeSpan.FromSeconds(30));

        Assert.All(points.Where(p => p.Metric == BridgeTelemetry.SubscriptionBacklogName), p =>
        {
            Assert.Equal(Topic, p.Attributes["topic"]);
            Assert.Contains(p.Attributes["state"], new object?[] { "pending", "held" });
        });
    }

    private static long Latest(IReadOnlyList<OtlpGaugePoint> points, string state) =>
        points.LastOrDefault(p => p.Metric == BridgeTelemetry.SubscriptionBacklogName
            && Equals(p.Attributes.GetValueOrDefault("subscription"), "slow") && Equals(p.Attributes.GetValueOrDefault("state"), state))?.Value ?? 0;
}
