using Bridge.Tests.Replay;

namespace Bridge.Tests.OpsConsole;

/// <summary>Open alerts in the console: on the overview, counted in the menu, and in the alerts view with their rules.</summary>
public sealed class ConsoleAlertsBrowserTests : ReplayTestBase
{
    private static readonly float Wait = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;

    [Fact]
    public async Task An_open_alert_shows_on_the_overview_in_the_menu_and_in_the_alerts_view_beside_its_rule()
    {
        Receiver["broken"].DefaultStatus = 500;
        var topology = Topology("broken")
            .With("Bridge:Alerts:EvaluationInterval", "00:00:01")
            .With("Bridge:Alerts:Rules:gave-up:Kind", "RetriesExhausted")
            .With("Bridge:Alerts:Rules:gave-up:Topic", Topic)
            .With("Bridge:Alerts:Rules:gave-up:Window", "00:10:00");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        await PublishBatchAsync(client, Enumerable.Range(0, 3).Select(i => new { type = "order.created", data = new { i } }));
        await WaitForDeadLettersAsync(client, "broken", 3);
        await EventuallyAsync(() => GetJsonAsync(client, "/api/alerts"), a => a.GetProperty("items").GetArrayLength() == 1, "the alert");
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(bridge.BaseAddress);

        await page.GotoAsync("/console");
        await ConsoleBrowserTests.SignInAsync(page, bridge.BootstrapKey);
        await page.Locator("#overview-alert-list li", new() { HasText = "gave-up" }).WaitForAsync(new() { Timeout = Wait });
        await page.Locator("#overview-totals", new() { HasText = "3 dead-lettered" }).WaitForAsync(new() { Timeout = Wait });
        Assert.Equal("1", await page.InnerTextAsync("#alert-count"));

        await page.ClickAsync("nav >> text=Alerts");
        var open = page.Locator("#alerts-open tbody tr", new() { HasText = "gave-up" });
        await open.WaitForAsync(new() { Timeout = Wait });
        Assert.Contains($"{Topic}/broken", await open.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("ran out of retries", await open.InnerTextAsync(), StringComparison.Ordinal);
        var rule = page.Locator("#alert-rules tbody tr", new() { HasText = "gave-up" });
        Assert.Contains("configuration", await rule.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("retriesExhausted", await rule.InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "console-alerts");
        Assert.Empty(errors);
    }
}
