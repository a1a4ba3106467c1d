using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary>A subscription made or deleted through one process takes effect in the others within the sync interval.</summary>
public sealed class MultiProcessSubscriptionTests : BridgeTestBase
{
    [Fact]
    public async Task A_subscription_made_in_one_process_is_routed_and_delivered_by_another_and_its_deletion_reaches_both()
    {
        var topology = await SharedRabbitMq.UseAsync(new TestTopology()
            .Topic("orders")
            .Subscription("orders", "audit", Receiver.UrlOf("audit"))
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200"), "multi");
        await using var first = await StartBridgeAsync(topology);
        await using var second = await StartBridgeAsync(topology);
        using var viaFirst = first.CreateClient();
        using var viaSecond = second.CreateClient();

        var secret = Receiver.Trust(await CreateAsync(viaFirst, "orders", new { name = "both", url = Receiver.UrlOf("both"), concurrency = 2 }));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // several sync intervals: the second process routes and delivers it too
        var accepted = await PublishBatchAsync(viaSecond, 20);

        await EventuallyAsync(
            () => Task.FromResult(accepted.Except(Receiver["both"].Received.Select(r => r.MessageId)).Count()),
            missing => missing == 0, "every event published through the second process to reach the new subscription");
        Assert.All(Receiver["both"].Received, r => Assert.True(SignedWith(r, secret)));
        var view = await GetJsonAsync(viaSecond, Route("orders", "both"));
        Assert.Equal("api", view.GetProperty("source").GetString());

        using (var deleted = await viaSecond.DeleteAsync(Route("orders", "both")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var before = Receiver["both"].Received.Count;
        var after = await PublishBatchAsync(viaFirst, 5);
        await EventuallyAsync(
            () => Task.FromResult(after.Except(Receiver["audit"].Received.Select(r => r.MessageId)).Count()),
            missing => missing == 0, "the configured subscription to keep receiving");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(before, Receiver["both"].Received.Count);
    }

    private static async Task<List<string>> PublishBatchAsync(HttpClient client, int count)
    {
        var events = Enumerable.Range(0, count).Select(i => new { type = "order.created", data = new { i } });
        using var response = await client.PostAsJsonAsync("/api/topics/orders/events/batch", events);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!)];
    }
}
