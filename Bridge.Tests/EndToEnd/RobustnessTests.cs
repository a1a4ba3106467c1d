using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.EndToEnd;

public sealed class RobustnessTests : BridgeTestBase
{
    [Fact]
    public async Task A_response_cut_short_counts_as_a_failed_attempt_and_is_retried()
    {
        Receiver["cut"].Answer(500, WebhookReceiver.TruncatedBody);
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "cut", Receiver.UrlOf("cut"), maxAttempts: 3));
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "5" });

        await Receiver["cut"].WaitForAsync(2, Patience);
        var attempts = await EventuallyAsync(() => AttemptsAsync(client, messageId), a => a.GetArrayLength() == 2, "two attempt records");
        Assert.Equal("Failed", attempts[0].GetProperty("outcome").GetString());
        Assert.Equal("Delivered", attempts[1].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task An_event_no_subscription_matches_is_accepted_and_reported_as_unrouted()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "only-created", Receiver.UrlOf("x"), types: ["order.created"]));
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "6" }, "order.archived");

        await bridge.WaitForOutputAsync($"{messageId}.*matched no subscription", Patience);
    }

    [Fact]
    public async Task Replaying_all_dead_letters_replays_each_once_even_when_they_fail_again_at_once()
    {
        Receiver["no"].DefaultStatus = 400;
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "no", Receiver.UrlOf("no")));
        using var client = bridge.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await PublishAsync(client, "orders", new { i });
        }
        await EventuallyAsync(() => DeadLettersAsync(client, "orders", "no"), p => p.GetProperty("items").GetArrayLength() == 3, "three dead letters");

        using var response = await client.PostAsync("/api/topics/orders/subscriptions/no/dead-letters/replay", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt32());
        await EventuallyAsync(() => DeadLettersAsync(client, "orders", "no"), p => p.GetProperty("items").GetArrayLength() == 3, "three dead letters again");
        Assert.Equal(6, Receiver["no"].Received.Count);
    }

    [Theory]
    [InlineData("/api/topics/orders/subscriptions/no/dead-letters?limit=abc", 400)]
    [InlineData("/api/topics/orders/subscriptions/missing/dead-letters", 404)]
    [InlineData("/api/topics/orders/subscriptions/no/dead-letters/unknown-id", 404)]
    [InlineData("/api/nothing-here", 404)]
    public async Task Operations_API_errors_are_problem_details(string path, int status)
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "no", Receiver.UrlOf("no")));
        using var client = bridge.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
