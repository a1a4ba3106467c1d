using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.EndToEnd;

public sealed class CloudEventsModeTests : BridgeTestBase
{
    [Fact]
    public async Task Binary_mode_headers_set_the_envelope_attributes_and_the_callers_id_becomes_the_idempotency_key()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink")));
        using var client = bridge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics/orders/events")
        {
            Content = new StringContent("""{"orderId":"9"}""", Encoding.UTF8, "application/vnd.contoso.order+json"),
        };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", "order-9-created");
        request.Headers.Add("ce-type", "order.created");
        request.Headers.Add("ce-source", "/erp/sap");
        request.Headers.Add("ce-time", "2025-06-14T10:00:00Z");
        request.Headers.Add("ce-dataschema", "https://schemas.example/order/1");
        request.Headers.Add("ce-subject", "orders/%C3%A9t%C3%A9");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivered = (await Receiver["sink"].WaitForAsync(1, Patience)).Single();
        var cloudEvent = delivered.Json;
        Assert.Equal("order-9-created", delivered.MessageId);
        Assert.Equal("order-9-created", cloudEvent.GetProperty("id").GetString());
        Assert.Equal("/erp/sap", cloudEvent.GetProperty("source").GetString());
        Assert.Equal("orders/été", cloudEvent.GetProperty("subject").GetString());
        Assert.Equal("2025-06-14T10:00:00.0000000Z", cloudEvent.GetProperty("time").GetString());
        Assert.Equal("application/vnd.contoso.order+json", cloudEvent.GetProperty("datacontenttype").GetString());
        Assert.Equal("https://schemas.example/order/1", cloudEvent.GetProperty("dataschema").GetString());
    }

    [Fact]
    public async Task Structured_mode_event_is_carried_as_sent_with_its_extensions()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink"), types: ["order.shipped"]));
        using var client = bridge.CreateClient();
        const string cloudEvent = """
            { "specversion": "1.0", "id": "evt-1", "source": "/wms", "type": "order.shipped", "subject": "orders/1",
              "correlationid": "flow-77", "partitionkey": "customer-1", "region": "eu", "priority": 2,
              "data": { "orderId": "1", "carrier": "DHL" } }
            """;

        using var response = await client.PostAsync("/api/topics/orders/events", new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("evt-1", accepted.GetProperty("messageId").GetString());
        Assert.Equal("flow-77", accepted.GetProperty("correlationId").GetString());
        var delivered = (await Receiver["sink"].WaitForAsync(1, Patience)).Single().Json;
        Assert.Equal("order.shipped", delivered.GetProperty("type").GetString());
        Assert.Equal("flow-77", delivered.GetProperty("correlationid").GetString());
        Assert.Equal("customer-1", delivered.GetProperty("partitionkey").GetString());
        Assert.Equal("eu", delivered.GetProperty("region").GetString());
        Assert.Equal("2", delivered.GetProperty("priority").GetString());
        Assert.Equal("DHL", delivered.GetProperty("data").GetProperty("carrier").GetString());
    }

    [Fact]
    public async Task A_CloudEvents_batch_is_accepted_whole_or_refused_whole()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink")));
        using var client = bridge.CreateClient();
        const string good = """
            [ { "specversion": "1.0", "id": "b-1", "source": "/s", "type": "t", "data": 1 },
              { "specversion": "1.0", "id": "b-2", "source": "/s", "type": "t", "data": { "x": true } } ]
            """;
        const string bad = """
            [ { "specversion": "1.0", "id": "b-3", "source": "/s", "type": "t", "data": 1 },
              { "specversion": "1.0", "id": "b-4", "type": "t" } ]
            """;

        using var refused = await client.PostAsync("/api/topics/orders/events/batch", new StringContent(bad, Encoding.UTF8, "application/cloudevents-batch+json"));
        using var accepted = await client.PostAsync("/api/topics/orders/events/batch", new StringContent(good, Encoding.UTF8, "application/cloudevents-batch+json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("[1].source", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Receiver["sink"].WaitForAsync(2, Patience);
        await Task.Delay(500);
        Assert.Equal(["b-1", "b-2"], Receiver["sink"].Received.Select(r => r.MessageId).Order());
    }
}
