using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Webhooks;

/// <summary>
/// One event delivered in each format — structured, binary, data — and each delivery checked by the official libraries
/// only: the Standard Webhooks signature over the exact body sent, and the CloudEvent as CloudNative.CloudEvents decodes
/// it from a structured body or from binary-mode headers (percent-decoding included).
/// </summary>
public sealed class WebhookFormatTests : BridgeTestBase
{
    private const string Topic = "orders";
    private const string Subject = "Bestellung 12 für \"Müller\" 100%";
    private static readonly object Payload = new { orderId = "A-1", amount = 12.5, lines = new[] { new { sku = "x-1", quantity = 2 } } };

    [Fact]
    public async Task Each_format_carries_the_event_as_its_documented_and_the_official_libraries_read_it()
    {
        var topology = new TestTopology()
            .Topic(Topic)
            .Subscription(Topic, "as-structured", Receiver.UrlOf("as-structured"))
            .Subscription(Topic, "as-binary", Receiver.UrlOf("as-binary"))
            .With($"Bridge:Topics:{Topic}:Subscriptions:as-binary:Webhook:Format", "binary")
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var (created, resource, response) = await SendAsync(client, HttpMethod.Post, Route(Topic), new { name = "as-data", url = Receiver.UrlOf("as-data"), format = "data" });
        response.Dispose();
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("data", resource.GetProperty("format").GetString());
        Receiver.Trust(resource.GetProperty("secret").GetString()!);

        var id = await PublishAsync(client, Topic, Payload, "order.created", new Dictionary<string, string>
        {
            ["ce-subject"] = Uri.EscapeDataString(Subject),
            ["ce-partitionkey"] = "customer-7",
            ["ce-region"] = "eu%20west",
            ["X-Correlation-Id"] = "corr-formats-1",
        });

        var structured = (await Receiver["as-structured"].WaitForAsync(1, Patience))[0];
        var binary = (await Receiver["as-binary"].WaitForAsync(1, Patience))[0];
        var data = (await Receiver["as-data"].WaitForAsync(1, Patience))[0];

        // Structured: the CloudEvent is the body.
        Assert.StartsWith("application/cloudevents+json", structured.ContentType, StringComparison.Ordinal);
        AssertEvent(structured.CloudEvent, id);

        // Binary: data is the body, with its own media type; the SDK reads every attribute from the ce- headers.
        Assert.Equal("application/json", binary.ContentType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(JsonSerializer.Serialize(Payload)), JsonNode.Parse(binary.Body)), "the binary body is the event's data");
        Assert.Null(binary.Rejection);
        AssertEvent(binary.CloudEvent, id);
        Assert.DoesNotContain(binary.Headers, h => h.Key.StartsWith("ce-", StringComparison.Ordinal) && h.Value.Any(c => c is ' ' or '"' || c > '~'));
        Assert.Equal(binary.Headers["webhook-id"], binary.Headers["ce-id"]);

        // Payload: only data as the body; the attributes a recipe needs in documented headers.
        Assert.Equal("application/json", data.ContentType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(JsonSerializer.Serialize(Payload)), JsonNode.Parse(data.Body)), "the data body is the event's data");
        Assert.Null(data.Rejection);
        Assert.False(data.Headers.ContainsKey("ce-specversion"));
        Assert.Equal(id, data.Headers["webhook-id"]);
        Assert.Equal(id, data.Headers["x-event-id"]);
        Assert.Equal("order.created", data.Headers["x-event-type"]);
        Assert.Equal(Subject, Uri.UnescapeDataString(data.Headers["x-event-subject"]));
        Assert.Equal("corr-formats-1", data.Headers["x-correlation-id"]);
        Assert.Equal(structured.CloudEvent.Source!.ToString(), data.Headers["x-event-source"]);
        Assert.Equal(structured.CloudEvent.Time, DateTimeOffset.Parse(data.Headers["x-event-time"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_unknown_format_is_refused_naming_the_field_and_a_replaced_format_takes_effect()
    {
        var topology = new TestTopology().Topic(Topic)
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        foreach (var format in new[] { "xml", "1", "" })
        {
            var (status, problem, response) = await SendAsync(client, HttpMethod.Post, Route(Topic), new { name = "refused", url = Receiver.UrlOf("x"), format });
            response.Dispose();
            Assert.True(status == HttpStatusCode.BadRequest, $"format '{format}': {(int)status} {problem}");
            Assert.Contains("structured, binary, data", problem.GetProperty("errors").GetProperty("format")[0].GetString(), StringComparison.Ordinal);
        }
        var (missing, _, missingResponse) = await SendAsync(client, HttpMethod.Get, Route(Topic, "refused"));
        missingResponse.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, missing);

        var secret = Receiver.Trust(await CreateAsync(client, Topic, new { name = "switching", url = Receiver.UrlOf("switching"), format = "Binary" }));
        var first = await PublishAsync(client, Topic, Payload, "order.created");
        Assert.Equal(first, (await Receiver["switching"].WaitForAsync(1, Patience))[0].Headers["ce-id"]);
        var (replaced, body, replacedResponse) = await SendAsync(client, HttpMethod.Put, Route(Topic, "switching"), new { url = Receiver.UrlOf("switching") });
        replacedResponse.Dispose();
        Assert.Equal((HttpStatusCode.OK, "structured"), (replaced, body.GetProperty("format").GetString()));
        var second = await PublishAsync(client, Topic, Payload, "order.created");
        var delivered = (await Receiver["switching"].WaitForAsync(2, Patience))[1];
        Assert.Equal(second, delivered.CloudEvent.Id);
        Assert.True(SignedWith(delivered, secret));
    }

    private static void AssertEvent(CloudNative.CloudEvents.CloudEvent cloudEvent, string id)
    {
        Assert.Equal(id, cloudEvent.Id);
        Assert.Equal("order.created", cloudEvent.Type);
        Assert.Equal(Subject, cloudEvent.Subject);
        Assert.Equal("corr-formats-1", cloudEvent[Bridge.Envelopes.CloudEventAttributes.CorrelationId]);
        Assert.Equal("customer-7", cloudEvent[Bridge.Envelopes.CloudEventAttributes.PartitionKey]);
        Assert.Equal("eu west", cloudEvent["region"]);
        var data = Assert.IsType<JsonElement>(cloudEvent.Data);
        Assert.Equal("A-1", data.GetProperty("orderId").GetString());
        Assert.Equal(2, data.GetProperty("lines")[0].GetProperty("quantity").GetInt32());
    }
}
