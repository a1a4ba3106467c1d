using System.Net;
using Bridge.Tests.Support;

namespace Bridge.Tests.Delivery;

public sealed class RabbitMqEndToEndTests : BridgeTestBase
{
    [Fact]
    public async Task The_bridge_on_RabbitMQ_delivers_dead_letters_and_replays()
    {
        var server = await SharedRabbitMq.GetAsync();
        Receiver["rejecting"].Answer(400, "unknown customer");
        var topology = new TestTopology()
            .Subscription("orders", "erp", Receiver.UrlOf("erp"))
            .Subscription("orders", "rejecting", Receiver.UrlOf("rejecting"), types: ["order.created"])
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", server.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "e2e" + Guid.NewGuid().ToString("N")[..8]);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "42" }, "order.created");

        var delivered = (await Receiver["erp"].WaitForAsync(1, Patience)).Single();
        Assert.Equal(messageId, delivered.MessageId);
        Assert.True(OfficialDeliveryCheck.SignedWith(delivered.Headers, delivered.Body, TestTopology.Secret));
        Assert.Equal(messageId, delivered.CloudEvent.Id);

        var page = await EventuallyAsync(() => DeadLettersAsync(client, "orders", "rejecting"), p => p.GetProperty("items").GetArrayLength() == 1, "the dead letter");
        Assert.Equal("WebhookRejected", page.GetProperty("items")[0].GetProperty("reason").GetString());
        Assert.Contains("unknown customer", page.GetProperty("items")[0].GetProperty("description").GetString(), StringComparison.Ordinal);

        using var replay = await client.PostAsync($"/api/topics/orders/subscriptions/rejecting/dead-letters/{messageId}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var again = await Receiver["rejecting"].WaitForAsync(2, Patience);
        Assert.Equal(messageId, again[1].MessageId);
        await EventuallyAsync(() => DeadLettersAsync(client, "orders", "rejecting"), p => p.GetProperty("items").GetArrayLength() == 0, "an empty dead-letter queue");
    }
}
