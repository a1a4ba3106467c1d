using System.Text.Json;
using Bridge.Tests.Replay;

namespace Bridge.Tests.OpsConsole;

/// <summary>The backlog of a subscription in the console: its four figures in the subscriptions table and its chart over time.</summary>
public sealed class ConsoleBacklogBrowserTests : ReplayTestBase
{
    private static readonly float Wait = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;

    [Fact]
    public async Task A_slow_failing_endpoint_shows_envelopes_pending_held_in_flight_and_dead_lettered_as_figures_and_a_chart()
    {
        // One call at a time, a second each: two are rejected (dead-lettered at once), the others fail and wait a minute for their retry.
        var hook = Receiver["slow"].Answer(400).Answer(400);
        hook.DefaultStatus = 500;
        hook.Delay = TimeSpan.FromSeconds(1);
        var topology = Topology("slow", maxAttempts: 20, concurrency: 1)
            .With($"Bridge:Topics:{Topic}:Subscriptions:slow:Webhook:RetryBaseDelay", "00:01:00")
            .With($"Bridge:Topics:{Topic}:Subscriptions:slow:Webhook:MaxRetryDelay", "00:02:00");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        await PublishBatchAsync(client, Enumerable.Range(0, 40).Select(i => new { type = "order.created", data = new { i } }));

        var overview = await EventuallyAsync(() => GetJsonAsync(client, "/api/subscriptions"),
            o => Backlog(o) is var b && b.GetProperty("pending").GetInt64() > 0 && b.GetProperty("held").GetInt64() > 0 && b.GetProperty("deadLettered").GetInt64() == 2,
            "envelopes pending, held and dead-lettered");
        Assert.True(Backlog(overview).TryGetProperty("inFlight", out _), "The overview of a process that delivers says what is in flight.");

        await using var browser = await ConsoleBrowser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(bridge.BaseAddress);
        await page.GotoAsync("/console");
        await ConsoleBrowserTests.SignInAsync(page, bridge.BootstrapKey);
        await page.ClickAsync("nav >> text=Subscriptions");
        var row = page.Locator("#subscriptions tbody tr", new() { HasText = "slow" });
        await row.WaitForAsync(new() { Timeout = Wait });
        Assert.NotEqual("0", await row.Locator("td").Nth(7).InnerTextAsync()); // pending
        Assert.NotEqual("0", await row.Locator("td").Nth(8).InnerTextAsync()); // held
        Assert.Equal("2", await row.Locator("td").Nth(10).InnerTextAsync()); // dead letters

        // Sampled every 3 s while the view is open; the chart follows the subscription chosen.
        await page.SelectOptionAsync("#backlog-subscription", $"{Topic}/slow");
        await page.WaitForFunctionAsync("() => window.bridgeConsole.charts.backlog?.data[0].length >= 3", null, new() { Timeout = Wait });
        var series = await page.EvaluateAsync<double?[][]>("() => window.bridgeConsole.charts.backlog.data.slice(1)");
        Assert.Contains(series[0], v => v > 0); // pending
        Assert.Contains(series[1], v => v > 0); // held
        Assert.Contains(series[3], v => v == 2); // dead-lettered
        Assert.Contains("2 dead-lettered", await page.InnerTextAsync("#backlog-figures"), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "console-backlog");
        Assert.Empty(errors);
    }

    private static JsonElement Backlog(JsonElement overview) =>
        overview.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "slow").GetProperty("backlog");
}
