using System.Text.Json;
using Bridge.Tests.Replay;
using Bridge.Tests.Support;
using Microsoft.Playwright;

namespace Bridge.Tests.OpsConsole;

/// <summary>The ops console in a real Chromium against a real bridge process.</summary>
public sealed class ConsoleBrowserTests : ReplayTestBase
{
    private static readonly float Wait = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;

    [Fact]
    public async Task An_admin_signs_in_and_the_live_charts_show_published_and_delivered_envelopes_without_console_errors()
    {
        var topology = new TestTopology().Subscription(Topic, "erp", Receiver.UrlOf("erp"))
            .With($"Bridge:Topics:{Topic}:Subscriptions:erp:Webhook:Format", "binary");
        await using var bridge = await StartBridgeAsync(topology);
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(bridge.BaseAddress);

        await page.GotoAsync("/console");
        await SignInAsync(page, bridge.BootstrapKey);
        using var client = bridge.CreateClient();
        await PublishBatchAsync(client, Enumerable.Range(0, 5).Select(i => new { type = "order.created", data = new { i } }));
        await Receiver["erp"].WaitForAsync(5, Patience);

        // The chart library's own data: the published and delivered series carry the five envelopes.
        await page.WaitForFunctionAsync(
            "() => { const d = window.bridgeConsole.charts.throughput.data; const sum = s => s.reduce((a, v) => a + (v || 0), 0); return sum(d[1]) >= 5 && sum(d[2]) >= 5; }",
            null, new() { Timeout = Wait });
        var latency = await page.EvaluateAsync<JsonElement>("() => window.bridgeConsole.charts.latency.data[2].filter(v => v !== null).length");
        Assert.True(latency.GetInt32() > 0, "The latency chart has no p99 point.");
        await page.Locator("#per-subscription tbody tr", new() { HasText = "erp" }).WaitForAsync(new() { Timeout = Wait });

        await ConsoleBrowser.ScreenshotAsync(page, "console-overview");

        // Subscriptions: pause from the console, see it paused, drill into it.
        await page.ClickAsync("nav >> text=Subscriptions");
        var row = page.Locator("#subscriptions tbody tr", new() { HasText = "erp" });
        Assert.Equal("binary", await row.Locator("td").Nth(4).InnerTextAsync());
        await row.Locator("button", new() { HasText = "Pause" }).ClickAsync();
        await page.Locator("#subscriptions tbody tr", new() { HasText = "paused (manual)" }).WaitForAsync(new() { Timeout = Wait });
        await page.Locator("#subscriptions tbody tr", new() { HasText = "erp" }).Locator("button", new() { HasText = "Details" }).ClickAsync();
        Assert.Contains("\"pausedBy\": \"bootstrap\"", await page.InnerTextAsync("#sub-detail-body"), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "console-subscriptions");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_dead_letter_is_found_inspected_and_replayed_from_the_console_and_then_delivered()
    {
        Receiver["broken"].DefaultStatus = 500;
        await using var bridge = await StartBridgeAsync(Topology("broken"));
        using var client = bridge.CreateClient();
        var id = (await PublishBatchAsync(client, [new { type = "order.created", data = new { n = 1 } }]))[0];
        await WaitForDeadLettersAsync(client, "broken", 1);
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(bridge.BaseAddress);

        await page.GotoAsync("/console");
        await SignInAsync(page, bridge.BootstrapKey);
        await page.ClickAsync("nav >> text=Dead letters");
        await page.SelectOptionAsync("#dl-subscription", $"{Topic}/broken");
        await page.ClickAsync("#dead-letter-filter button[type=submit]");
        var row = page.Locator("#dead-letters tbody tr", new() { HasText = id });
        await row.WaitForAsync(new() { Timeout = Wait });

        await row.Locator("button", new() { HasText = "Inspect" }).ClickAsync();
        await page.Locator("#dl-detail-title", new() { HasText = id }).WaitForAsync(new() { Timeout = Wait });
        Assert.Contains("MaxAttemptsExceeded", await page.InnerTextAsync("#dl-facts"), StringComparison.Ordinal);
        var attempt = page.Locator("#dl-timeline li").First;
        Assert.Contains("Attempt 1: Failed (HTTP 500)", await attempt.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("failed", await attempt.GetAttributeAsync("class"));
        await page.ClickAsync("#dl-detail summary");
        Assert.Contains(id, await page.InnerTextAsync("#dl-detail-body"), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "console-dead-letters");

        Receiver["broken"].DefaultStatus = 200;
        var before = Receiver["broken"].Received.Count;
        await row.Locator("button", new() { HasText = "Replay" }).ClickAsync();
        await page.Locator("#job-label", new() { HasText = "Completed" }).WaitForAsync(new() { Timeout = Wait });
        await EventuallyAsync(() => Task.FromResult(Receiver["broken"].Received.Skip(before).Count(r => r.MessageId == id)), n => n == 1, "the replayed delivery");
        await WaitForDeadLettersAsync(client, "broken", 0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Replaying_all_matching_dead_letters_shows_the_job_progress_to_completion()
    {
        Receiver["bulk"].DefaultStatus = 500;
        await using var bridge = await StartBridgeAsync(Topology("bulk"));
        using var client = bridge.CreateClient();
        await PublishBatchAsync(client, Enumerable.Range(0, 40).Select(i => new { type = "order.created", data = new { i } }));
        await WaitForDeadLettersAsync(client, "bulk", 40);
        Receiver["bulk"].DefaultStatus = 200;
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(bridge.BaseAddress);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        await page.GotoAsync("/console#dead-letters");
        await SignInAsync(page, bridge.BootstrapKey);
        await page.SelectOptionAsync("#dl-subscription", $"{Topic}/bulk");
        await page.ClickAsync("#dl-replay-all");
        await page.Locator("#job-label", new() { HasText = "Completed" }).WaitForAsync(new() { Timeout = Wait });

        Assert.Equal("100", await page.GetAttributeAsync("#job-progress", "value"));
        Assert.Contains("(40/40)", await page.InnerTextAsync("#job-percent"), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "console-replay-job");
        await WaitForDeadLettersAsync(client, "bulk", 0);
        Assert.Empty(errors);
    }

    internal static async Task SignInAsync(IPage page, string key)
    {
        await page.FillAsync("#key", key);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.Locator("#operator", new() { HasText = "Signed in as" }).WaitForAsync(new() { Timeout = Wait });
    }
}
