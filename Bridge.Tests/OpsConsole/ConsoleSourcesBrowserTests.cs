using Bridge.Tests.Sources;
using Bridge.Tests.Support;

namespace Bridge.Tests.OpsConsole;

/// <summary>The console's Sources view: each broker source, and what it could not read, replayed or purged from the page.</summary>
public sealed class ConsoleSourcesBrowserTests : BridgeTestBase
{
    private static readonly float Wait = (float)TimeSpan.FromSeconds(30).TotalMilliseconds;

    [Fact]
    public async Task A_source_s_dead_letter_shows_with_its_reason_a_replay_the_mapping_still_cannot_read_says_why_and_a_purge_removes_it()
    {
        await using var source = await RabbitMqSource.CreateAsync();
        var topology = source.Configure(new TestTopology().Topic("orders"), "erp", "orders", new Dictionary<string, string> { ["TypeFrom"] = "property:event_type" });
        await using var bridge = await StartBridgeAsync(topology);
        await source.PublishJsonAsync("order.created", """{"orderId":"o-1"}""", "m-unlabelled");
        using var client = bridge.CreateClient();
        await EventuallyAsync(() => GetJsonAsync(client, "/api/sources/erp/dead-letters"), p => p.GetProperty("items").GetArrayLength() == 1, "the dead letter");
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(bridge.BaseAddress);

        await page.GotoAsync("/console");
        await ConsoleBrowserTests.SignInAsync(page, bridge.BootstrapKey);
        await page.ClickAsync("nav >> text=Sources");
        var sourceRow = page.Locator("#sources tbody tr", new() { HasText = "erp" });
        await sourceRow.WaitForAsync(new() { Timeout = Wait });
        Assert.Contains("rabbitmq", await sourceRow.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(source.Exchange, await sourceRow.InnerTextAsync(), StringComparison.Ordinal);
        var deadLetter = page.Locator("#source-dead-letters tbody tr", new() { HasText = "m-unlabelled" });
        await deadLetter.WaitForAsync(new() { Timeout = Wait });
        Assert.Contains("MappingFailed", await deadLetter.InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "console-sources");

        await deadLetter.Locator("button", new() { HasText = "Replay" }).ClickAsync();
        await page.Locator("#source-status", new() { HasText = "still cannot read" }).WaitForAsync(new() { Timeout = Wait });
        await page.Locator("#source-dead-letters tbody tr", new() { HasText = "m-unlabelled" }).Locator("button", new() { HasText = "Purge" }).ClickAsync();
        await page.Locator("#source-status", new() { HasText = "purged" }).WaitForAsync(new() { Timeout = Wait });
        await page.Locator("#source-dead-letters-empty").WaitForAsync(new() { Timeout = Wait });
        Assert.Equal("0", (await sourceRow.Locator("td").Nth(4).InnerTextAsync()).Trim());
        // The one failed request is the refused replay (422), which the page reported; nothing else went wrong.
        Assert.All(errors, e => Assert.Contains("status of 422", e, StringComparison.Ordinal));
    }
}
