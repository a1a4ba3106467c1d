using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Alerts;

/// <summary>Alert rules against a real alert webhook: each alert fires once and clears once, signed like any delivery.</summary>
public sealed class AlertEndToEndTests : BridgeTestBase
{
    private const string Rules = "Bridge:Alerts:Rules";

    [Fact]
    public async Task Each_alert_fires_once_when_its_condition_starts_and_clears_once_when_it_ends_and_a_flapping_one_stays_quiet_within_its_minimum_interval()
    {
        Receiver["crm"].DefaultStatus = 500;
        var topology = new TestTopology().Topic("orders").Topic("ops-alerts")
            .Subscription("orders", "crm", Receiver.UrlOf("crm"), maxAttempts: 2)
            .Subscription("ops-alerts", "pager", Receiver.UrlOf("pager"))
            .With("Bridge:Alerts:Topic", "ops-alerts")
            .With("Bridge:Alerts:EvaluationInterval", "00:00:01")
            .With("Bridge:Replay:DepthInterval", "00:00:01")
            .With($"{Rules}:depth:Kind", "DeadLetterDepth").With($"{Rules}:depth:Topic", "orders").With($"{Rules}:depth:Threshold", "3")
            .With($"{Rules}:depth:MinInterval", "00:00:00")
            .With($"{Rules}:failing:Kind", "FailureRatio").With($"{Rules}:failing:Threshold", "0.5").With($"{Rules}:failing:MinAttempts", "4")
            .With($"{Rules}:failing:Window", "00:00:10").With($"{Rules}:failing:MinInterval", "00:00:00")
            .With($"{Rules}:refused:Kind", "PublishRefusals").With($"{Rules}:refused:Threshold", "3")
            .With($"{Rules}:refused:Window", "00:00:10").With($"{Rules}:refused:MinInterval", "01:00:00");
        await using var bridge = await StartBridgeAsync(topology);
        using var admin = bridge.CreateClient();

        // Three events the endpoint refuses twice each: six failed attempts, three dead letters; three bad keys.
        for (var i = 0; i < 3; i++)
        {
            await PublishAsync(admin, "orders", new { i }, "order.created");
        }
        await RefuseAsync(bridge, 3);
        var fired = await EventuallyAsync(() => Task.FromResult(Alerts("bridge.alert.fired")), a => a.Count == 3, "three alerts fired");
        Assert.Equal(["depth orders/crm", "failing orders/crm", "refused publisher:(anonymous)"],
            fired.Select(a => $"{a.GetProperty("rule").GetString()} {a.GetProperty("subject").GetString()}").Order(StringComparer.Ordinal));
        var depth = fired.Single(a => a.GetProperty("rule").GetString() == "depth");
        Assert.Equal((3.0, 3.0, "open", "deadLetterDepth"), (depth.GetProperty("value").GetDouble(), depth.GetProperty("threshold").GetDouble(),
            depth.GetProperty("state").GetString(), depth.GetProperty("kind").GetString()));
        var open = await GetJsonAsync(admin, "/api/alerts");
        Assert.Equal(3, open.GetProperty("items").GetArrayLength());

        // The endpoint recovers and the dead letters are purged; the windows pass without failures or refusals.
        Receiver["crm"].DefaultStatus = 200;
        using (var purge = await admin.PostAsJsonAsync("/api/topics/orders/subscriptions/crm/dead-letters/purge", new { all = true }))
        {
            Assert.True(purge.IsSuccessStatusCode, await purge.Content.ReadAsStringAsync());
        }
        var cleared = await EventuallyAsync(() => Task.FromResult(Alerts("bridge.alert.cleared")), a => a.Count == 3, "three alerts cleared");
        foreach (var alert in cleared)
        {
            var firing = fired.Single(f => f.GetProperty("rule").GetString() == alert.GetProperty("rule").GetString());
            Assert.Equal(firing.GetProperty("alertId").GetString(), alert.GetProperty("alertId").GetString());
            Assert.Equal("cleared", alert.GetProperty("state").GetString());
            Assert.True(alert.GetProperty("clearedAt").GetDateTimeOffset() >= firing.GetProperty("openedAt").GetDateTimeOffset());
        }

        // Refused again within the hour: the condition is back, but the rule's minimum interval keeps it quiet.
        await RefuseAsync(bridge, 4);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(3, Alerts("bridge.alert.fired").Count);
        Assert.Equal(3, Alerts("bridge.alert.cleared").Count);
        var history = await GetJsonAsync(admin, "/api/alerts?state=all");
        Assert.All(history.GetProperty("items").EnumerateArray(), a => Assert.Equal("cleared", a.GetProperty("state").GetString()));
        Assert.Equal(3, history.GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await GetJsonAsync(admin, "/api/alerts")).GetProperty("items").GetArrayLength());

        // Each alert's two events share its partition key and arrive signed (the receiver verified every one).
        Assert.All(Receiver["pager"].Received, r => Assert.Equal("/bridge/alerts", r.CloudEvent.Source?.ToString()));
        Assert.All(Receiver["pager"].Received, r => Assert.Matches("^[0-9a-f]{32}-(fired|cleared)$", r.MessageId)); // the same id if sent again
    }

    [Fact]
    public async Task An_endpoint_paused_longer_than_the_rule_allows_fires_once_and_clears_once_it_is_resumed()
    {
        var topology = new TestTopology().Topic("orders").Topic("ops-alerts")
            .Subscription("orders", "crm", Receiver.UrlOf("crm"))
            .Subscription("ops-alerts", "pager", Receiver.UrlOf("pager"))
            .With("Bridge:Alerts:Topic", "ops-alerts")
            .With("Bridge:Alerts:EvaluationInterval", "00:00:01")
            .With($"{Rules}:down:Kind", "EndpointUnavailable").With($"{Rules}:down:For", "00:00:03").With($"{Rules}:down:MinInterval", "00:00:00");
        await using var bridge = await StartBridgeAsync(topology);
        using var admin = bridge.CreateClient();
        const string endpoint = "/api/topics/orders/subscriptions/crm/endpoint";

        var pausedAt = DateTimeOffset.UtcNow;
        using (var paused = await admin.PostAsJsonAsync(endpoint + "/pause", new { reason = "maintenance" }))
        {
            Assert.True(paused.IsSuccessStatusCode, await paused.Content.ReadAsStringAsync());
        }
        var fired = Assert.Single(await EventuallyAsync(() => Task.FromResult(Alerts("bridge.alert.fired")), a => a.Count == 1, "the alert of the paused endpoint"));
        Assert.Equal(("down", "orders/crm", "endpointUnavailable"), (fired.GetProperty("rule").GetString(), fired.GetProperty("subject").GetString(), fired.GetProperty("kind").GetString()));
        Assert.True(fired.GetProperty("openedAt").GetDateTimeOffset() >= pausedAt.AddSeconds(3), "It fired before the endpoint had been paused for 'for'.");
        Assert.Empty(Alerts("bridge.alert.cleared"));

        using (var resumed = await admin.PostAsync(endpoint + "/resume", null))
        {
            Assert.True(resumed.IsSuccessStatusCode, await resumed.Content.ReadAsStringAsync());
        }
        await EventuallyAsync(() => Task.FromResult(Alerts("bridge.alert.cleared")), a => a.Count == 1, "the alert cleared");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(Alerts("bridge.alert.fired"));
        Assert.Single(Alerts("bridge.alert.cleared"));
    }

    private List<JsonElement> Alerts(string type) =>
        [.. Receiver["pager"].Received.Where(r => r.CloudEvent.Type == type).Select(r => JsonDocument.Parse(JsonSerializer.Serialize(r.CloudEvent.Data)).RootElement.Clone())];

    private static async Task RefuseAsync(Bridge.Testing.BridgeProcess bridge, int times)
    {
        using var stranger = bridge.CreateAnonymousClient();
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key");
        for (var i = 0; i < times; i++)
        {
            using var refused = await stranger.PostAsJsonAsync("/api/topics/orders/events", new { i });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }
}
