using System.Net;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary><c>batch</c> through the subscriptions API: stored and shown, delivered as batches, refused where it cannot apply.</summary>
public sealed class BatchApiTests : BridgeTestBase
{
    [Fact]
    public async Task A_batch_is_stored_shown_and_delivered_and_a_replace_without_it_removes_it()
    {
        var topology = new TestTopology().Topic("orders")
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        Receiver.Trust(await CreateAsync(client, "orders", new { name = "batched", url = Receiver.UrlOf("batched"), batch = new { maxEvents = 2, maxWaitMilliseconds = 5000 } }));
        var shown = await GetJsonAsync(client, Route("orders", "batched"));
        Assert.Equal(2, shown.GetProperty("batch").GetProperty("maxEvents").GetInt32());
        Assert.Equal(5000, shown.GetProperty("batch").GetProperty("maxWaitMilliseconds").GetInt32());
        Assert.Equal("structured", shown.GetProperty("format").GetString());

        var first = await PublishAsync(client, "orders", new { n = 1 }, "order.created");
        var second = await PublishAsync(client, "orders", new { n = 2 }, "order.created");
        var call = (await Receiver["batched"].WaitForAsync(1, Patience))[0];
        Assert.Equal([first, second], call.Events.Select(e => e.Id!));

        var (status, _, response) = await SendAsync(client, HttpMethod.Put, Route("orders", "batched"), new { url = Receiver.UrlOf("batched") });
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((await GetJsonAsync(client, Route("orders", "batched"))).TryGetProperty("batch", out _));
    }

    [Fact]
    public async Task Bad_batch_settings_a_format_without_a_batch_form_and_a_pull_subscription_are_refused_naming_the_field()
    {
        var topology = new TestTopology().Topic("orders")
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks();
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        foreach (var (body, field, why) in new (object Body, string Field, string Why)[]
        {
            (new { name = "one", url = Receiver.UrlOf("x"), batch = new { maxEvents = 1, maxWaitMilliseconds = 100 } }, "batch.maxEvents", "one event"),
            (new { name = "huge", url = Receiver.UrlOf("x"), batch = new { maxEvents = 5000, maxWaitMilliseconds = 100 } }, "batch.maxEvents", "over 1000 events"),
            (new { name = "slow", url = Receiver.UrlOf("x"), batch = new { maxEvents = 10, maxWaitMilliseconds = 90_000 } }, "batch.maxWaitMilliseconds", "over a minute"),
            (new { name = "locked", url = Receiver.UrlOf("x"), lockDurationSeconds = 10, batch = new { maxEvents = 10, maxWaitMilliseconds = 6000 } }, "batch.maxWaitMilliseconds", "half the lock"),
            (new { name = "as-data", url = Receiver.UrlOf("x"), format = "data", batch = new { maxEvents = 10, maxWaitMilliseconds = 100 } }, "batch", "the data format"),
            (new { name = "as-binary", url = Receiver.UrlOf("x"), format = "binary", batch = new { maxEvents = 10, maxWaitMilliseconds = 100 } }, "batch", "the binary format"),
            (new { name = "pulled", delivery = "pull", batch = new { maxEvents = 10, maxWaitMilliseconds = 100 } }, "batch", "a pull subscription"),
        })
        {
            var (status, problem, response) = await SendAsync(client, HttpMethod.Post, Route("orders"), body);
            response.Dispose();
            Assert.True(status == HttpStatusCode.BadRequest, $"{why}: {(int)status} {problem}");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{why}: {problem}");
        }

        var list = await GetJsonAsync(client, Route("orders"));
        Assert.Equal(0, list.GetProperty("items").GetArrayLength()); // nothing stored
    }
}
