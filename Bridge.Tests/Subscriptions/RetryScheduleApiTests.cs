using System.Net;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary><c>retryScheduleSeconds</c> through the subscriptions API: applied to the subscription, refused where it cannot apply; without it, the default attempts.</summary>
public sealed class RetryScheduleApiTests : BridgeTestBase
{
    [Fact]
    public async Task A_schedule_sets_the_attempts_the_defaults_give_a_days_attempts_and_a_schedule_is_refused_beside_max_attempts_out_of_range_or_for_a_pull_subscription()
    {
        var topology = new TestTopology().Topic("orders")
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks();
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        await CreateAsync(client, "orders", new { name = "scheduled", url = Receiver.UrlOf("scheduled"), retryScheduleSeconds = new[] { 5, 300, 7200 } });
        var created = await GetJsonAsync(client, Route("orders", "scheduled"));
        Assert.Equal([5d, 300d, 7200d], created.GetProperty("retryScheduleSeconds").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(4, created.GetProperty("maxAttempts").GetInt32());

        // Without either, the default: 19 attempts on the doubling schedule (about a day), and no explicit schedule.
        await CreateAsync(client, "orders", new { name = "defaults", url = Receiver.UrlOf("defaults") });
        var defaults = await GetJsonAsync(client, Route("orders", "defaults"));
        Assert.Equal(19, defaults.GetProperty("maxAttempts").GetInt32());
        Assert.False(defaults.TryGetProperty("retryScheduleSeconds", out var none) && none.ValueKind != System.Text.Json.JsonValueKind.Null, defaults.ToString());

        foreach (var (body, why) in new (object Body, string Why)[]
        {
            (new { name = "both", url = Receiver.UrlOf("x"), maxAttempts = 3, retryScheduleSeconds = new[] { 5 } }, "beside maxAttempts"),
            (new { name = "too-long", url = Receiver.UrlOf("x"), retryScheduleSeconds = new[] { 5, 90_000 } }, "a delay over a day"),
            (new { name = "empty", url = Receiver.UrlOf("x"), retryScheduleSeconds = Array.Empty<int>() }, "no delays"),
            (new { name = "pulled", delivery = "pull", retryScheduleSeconds = new[] { 5 } }, "for a pull subscription"),
        })
        {
            var (status, problem, response) = await SendAsync(client, HttpMethod.Post, Route("orders"), body);
            response.Dispose();
            Assert.True(status == HttpStatusCode.BadRequest, $"{why}: {(int)status} {problem}");
            Assert.True(problem.GetProperty("errors").TryGetProperty("retryScheduleSeconds", out _), $"{why}: {problem}");
        }
    }
}
