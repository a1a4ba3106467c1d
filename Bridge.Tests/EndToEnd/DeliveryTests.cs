using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.EndToEnd;

public sealed class DeliveryTests : BridgeTestBase
{
    [Fact]
    public async Task Published_event_is_delivered_once_as_a_signed_CloudEvent()
    {
        var topology = new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "12345", amount = 1500 }, "order.created",
            new Dictionary<string, string> { ["ce-subject"] = "orders/12345", ["X-Correlation-Id"] = "corr-42" });

        var request = (await Receiver["erp"].WaitForAsync(1, Patience)).Single();
        Assert.True(OfficialDeliveryCheck.SignedWith(request.Headers, request.Body, TestTopology.Secret), "StandardWebhooks must verify the signature.");
        Assert.StartsWith("application/cloudevents+json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal(messageId, request.MessageId);

        var cloudEvent = request.CloudEvent; // decoded by CloudNative.CloudEvents' JsonEventFormatter
        Assert.Equal(CloudNative.CloudEvents.CloudEventsSpecVersion.V1_0, cloudEvent.SpecVersion);
        Assert.Equal(messageId, cloudEvent.Id);
        Assert.Equal("order.created", cloudEvent.Type);
        Assert.Equal("orders/12345", cloudEvent.Subject);
        Assert.Equal("corr-42", cloudEvent["correlationid"]);
        Assert.Equal("application/json", cloudEvent.DataContentType);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", (string)cloudEvent["traceparent"]!);
        var data = Assert.IsType<JsonElement>(cloudEvent.Data);
        Assert.Equal("12345", data.GetProperty("orderId").GetString());
        Assert.Equal(1500, data.GetProperty("amount").GetInt32());

        var attempts = await EventuallyAsync(() => AttemptsAsync(client, messageId), a => a.GetArrayLength() == 1, "the attempt record");
        Assert.Equal("Delivered", attempts[0].GetProperty("outcome").GetString());
        await Task.Delay(1000);
        Assert.Single(Receiver["erp"].Received);
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_the_same_id_until_delivered_and_every_attempt_is_recorded()
    {
        Receiver["flaky"].Answer(500, "down").Answer(500, "still down");
        var topology = new TestTopology().Subscription("orders", "flaky", Receiver.UrlOf("flaky"), maxAttempts: 5);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "1" }, "order.created");

        var requests = await Receiver["flaky"].WaitForAsync(3, Patience);
        Assert.All(requests, r => Assert.Equal(messageId, r.MessageId));
        var attempts = await EventuallyAsync(() => AttemptsAsync(client, messageId), a => a.GetArrayLength() == 3, "three attempt records");
        Assert.Equal([1, 2, 3], attempts.EnumerateArray().Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal(["Failed", "Failed", "Delivered"], attempts.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal([500, 500, 200], attempts.EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal("down", attempts[0].GetProperty("responseExcerpt").GetString());
        await Task.Delay(500);
        Assert.Equal(3, Receiver["flaky"].Received.Count);
    }

    [Fact]
    public async Task Permanent_rejection_is_dead_lettered_at_once_with_status_and_body_excerpt()
    {
        Receiver["strict"].Answer(400, "orderId is not known here");
        var topology = new TestTopology().Subscription("orders", "strict", Receiver.UrlOf("strict"), maxAttempts: 5);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "2" }, "order.created");

        var page = await EventuallyAsync(() => DeadLettersAsync(client, "orders", "strict"), p => p.GetProperty("items").GetArrayLength() == 1, "the dead letter");
        var deadLetter = page.GetProperty("items")[0];
        Assert.Equal(messageId, deadLetter.GetProperty("messageId").GetString());
        Assert.Equal("WebhookRejected", deadLetter.GetProperty("reason").GetString());
        Assert.Contains("400", deadLetter.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("orderId is not known here", deadLetter.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, deadLetter.GetProperty("deliveryCount").GetInt32());
        await Task.Delay(1000);
        Assert.Single(Receiver["strict"].Received);
    }

    [Fact]
    public async Task Endless_failure_is_dead_lettered_after_max_attempts_and_a_replay_delivers_it_once_the_receiver_recovers()
    {
        Receiver["down"].DefaultStatus = 503;
        var topology = new TestTopology().Subscription("orders", "down", Receiver.UrlOf("down"), maxAttempts: 3);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "3" }, "order.created");

        var page = await EventuallyAsync(() => DeadLettersAsync(client, "orders", "down"), p => p.GetProperty("items").GetArrayLength() == 1, "the dead letter");
        var deadLetter = page.GetProperty("items")[0];
        Assert.Equal("MaxAttemptsExceeded", deadLetter.GetProperty("reason").GetString());
        Assert.Equal(3, deadLetter.GetProperty("deliveryCount").GetInt32());
        Assert.Equal(3, Receiver["down"].Received.Count);

        // Attempts are written in the background: wait for the third.
        var detail = await EventuallyAsync(() => GetJsonAsync(client, $"/api/topics/orders/subscriptions/down/dead-letters/{messageId}"),
            d => d.GetProperty("attempts").GetArrayLength() == 3, "the dead letter with three attempts");
        Assert.Equal(messageId, detail.GetProperty("envelope").GetProperty("id").GetString());

        Receiver["down"].DefaultStatus = 200;
        using var replay = await client.PostAsync($"/api/topics/orders/subscriptions/down/dead-letters/{messageId}/replay", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, replay.StatusCode);

        var requests = await Receiver["down"].WaitForAsync(4, Patience);
        Assert.Equal(messageId, requests[3].MessageId);
        await EventuallyAsync(() => DeadLettersAsync(client, "orders", "down"), p => p.GetProperty("items").GetArrayLength() == 0, "an empty dead-letter queue");
        var attempts = await EventuallyAsync(() => AttemptsAsync(client, messageId), a => a.GetArrayLength() == 4, "four attempt records");
        Assert.Equal("Delivered", attempts[3].GetProperty("outcome").GetString());

        Assert.Equal("MaxAttemptsExceeded", QueryFile("bridge.db", $"SELECT DeadLetterReason FROM replays WHERE MessageId = '{messageId}'"));

        using var again = await client.PostAsync($"/api/topics/orders/subscriptions/down/dead-letters/{messageId}/replay", null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Subscriptions_on_one_topic_receive_exactly_the_events_their_filters_match()
    {
        var topology = new TestTopology()
            .Subscription("erp-events", "by-type", Receiver.UrlOf("by-type"), types: ["order.created"])
            .Subscription("erp-events", "by-region", Receiver.UrlOf("by-region"), properties: new Dictionary<string, string> { ["region"] = "eu" })
            .Subscription("erp-events", "by-subject", Receiver.UrlOf("by-subject"), subject: "invoices/*");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var a = await PublishAsync(client, "erp-events", new { n = "a" }, "order.created", new Dictionary<string, string> { ["ce-region"] = "us" });
        var b = await PublishAsync(client, "erp-events", new { n = "b" }, "order.cancelled", new Dictionary<string, string> { ["ce-region"] = "eu" });
        var c = await PublishAsync(client, "erp-events", new { n = "c" }, "invoice.paid", new Dictionary<string, string> { ["ce-subject"] = "invoices/77" });
        var d = await PublishAsync(client, "erp-events", new { n = "d" }, "order.created", new Dictionary<string, string> { ["ce-region"] = "eu" });
        _ = await PublishAsync(client, "erp-events", new { n = "e" }, "shipment.sent");

        var byType = await Receiver["by-type"].WaitForAsync(2, Patience);
        var byRegion = await Receiver["by-region"].WaitForAsync(2, Patience);
        var bySubject = await Receiver["by-subject"].WaitForAsync(1, Patience);
        await Task.Delay(1000);
        Assert.Equal(new[] { a, d }.Order(), Receiver["by-type"].Received.Select(r => r.MessageId).Order());
        Assert.Equal(new[] { b, d }.Order(), Receiver["by-region"].Received.Select(r => r.MessageId).Order());
        Assert.Equal([c], Receiver["by-subject"].Received.Select(r => r.MessageId));
        Assert.Equal("eu", byRegion[0].Json.GetProperty("region").GetString());
        Assert.NotEmpty(byType);
        Assert.NotEmpty(bySubject);
    }
}
