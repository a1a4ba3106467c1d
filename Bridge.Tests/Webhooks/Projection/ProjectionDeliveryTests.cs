using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Webhooks.Projection;

/// <summary>
/// Subscriptions with a projection, end to end against a real receiver: the projected data in the structured, binary and
/// data formats, each call checked by the official libraries (CloudNative.CloudEvents decodes it, StandardWebhooks
/// verifies the signature over the body sent); an envelope whose data is no JSON object is dead-lettered at once.
/// </summary>
public sealed class ProjectionDeliveryTests : BridgeTestBase
{
    private const string Topic = "orders";

    private static readonly object Order = new
    {
        order = new { id = "A-1", total = 12.5, internalCost = 7 },
        customer = new { name = "Müller", address = new { city = "Köln", zip = "50667" } },
        lines = new[] { new { sku = "x-1", quantity = 2 } },
    };

    private static readonly JsonNode Expected = JsonNode.Parse("""
        { "orderId": "A-1", "total": 12.5, "customer.name": "Müller", "customer.address.city": "Köln", "customer.address.zip": "50667",
          "lines": [ { "sku": "x-1", "quantity": 2 } ], "channel": "bridge" }
        """)!;

    private static readonly object ApiProjection = new
    {
        fields = new Dictionary<string, string> { ["orderId"] = "/order/id", ["total"] = "/order/total", ["customer"] = "/customer", ["lines"] = "/lines" },
        constants = new Dictionary<string, string> { ["channel"] = "bridge" },
        flatten = ".",
    };

    [Fact]
    public async Task Each_format_carries_the_projected_data_signed_over_the_body_sent()
    {
        var topology = Projected(Projected(new TestTopology().Topic(Topic)
                .Subscription(Topic, "as-structured", Receiver.UrlOf("as-structured"))
                .Subscription(Topic, "as-binary", Receiver.UrlOf("as-binary"))
                .With($"{Key("as-binary")}:Format", "binary"), "as-structured"), "as-binary")
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var (created, resource, response) = await SendAsync(client, HttpMethod.Post, Route(Topic),
            new { name = "as-data", url = Receiver.UrlOf("as-data"), format = "data", projection = ApiProjection });
        response.Dispose();
        Assert.True(created == HttpStatusCode.Created, $"{(int)created} {resource}");
        Assert.Equal("/customer", resource.GetProperty("projection").GetProperty("fields").GetProperty("customer").GetString());
        var secret = Receiver.Trust(resource.GetProperty("secret").GetString()!);
        var configured = await GetJsonAsync(client, Route(Topic, "as-binary"));
        Assert.Equal(".", configured.GetProperty("projection").GetProperty("flatten").GetString());

        var id = await PublishAsync(client, Topic, Order, "order.created");

        var structured = (await Receiver["as-structured"].WaitForAsync(1, Patience))[0];
        var binary = (await Receiver["as-binary"].WaitForAsync(1, Patience))[0];
        var data = (await Receiver["as-data"].WaitForAsync(1, Patience))[0];

        // Structured: the CloudEvent as CloudNative.CloudEvents decodes it, its data projected, plain JSON.
        Assert.StartsWith("application/cloudevents+json", structured.ContentType, StringComparison.Ordinal);
        Assert.Equal((id, "order.created", "application/json"), (structured.CloudEvent.Id, structured.CloudEvent.Type, structured.CloudEvent.DataContentType));
        AssertProjected(JsonSerializer.Serialize(Assert.IsType<JsonElement>(structured.CloudEvent.Data)));
        Assert.True(SignedWith(structured, TestTopology.Secret));

        // Binary: the projected data is the body; the SDK reads the attributes from the ce- headers.
        Assert.Equal("application/json", binary.ContentType);
        AssertProjected(Encoding.UTF8.GetString(binary.Body));
        Assert.Equal((id, "order.created"), (binary.CloudEvent.Id, binary.CloudEvent.Type));
        Assert.True(SignedWith(binary, TestTopology.Secret));

        // Data: the projected data alone is the body.
        Assert.Equal("application/json", data.ContentType);
        AssertProjected(Encoding.UTF8.GetString(data.Body));
        Assert.Equal(id, data.Headers["x-event-id"]);
        Assert.True(SignedWith(data, secret));
    }

    [Fact]
    public async Task An_envelope_whose_data_is_no_json_object_is_dead_lettered_at_once_with_the_reason_and_never_called()
    {
        var topology = Projected(new TestTopology().Topic(Topic).Subscription(Topic, "strict", Receiver.UrlOf("strict"), maxAttempts: 5), "strict");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var list = await PublishAsync(client, Topic, new[] { 1, 2, 3 }, "order.created");
        var text = await PublishAsync(client, Topic, "just text", "order.created");
        var deadLetters = await EventuallyAsync(
            async () => (await DeadLettersAsync(client, Topic, "strict")).GetProperty("items").EnumerateArray().ToList(), d => d.Count == 2, "both dead letters");

        foreach (var (id, kind) in new[] { (list, "array"), (text, "string") })
        {
            var deadLetter = deadLetters.Single(d => d.GetProperty("messageId").GetString() == id);
            Assert.Equal("WebhookRejected", deadLetter.GetProperty("reason").GetString());
            Assert.Equal(1, deadLetter.GetProperty("deliveryCount").GetInt32());
            Assert.Equal($"Projection needs JSON object data; the envelope's data is a JSON {kind}.", deadLetter.GetProperty("description").GetString());
            var attempts = await EventuallyAsync(() => AttemptsAsync(client, id), a => a.GetArrayLength() >= 1, "the attempt record");
            Assert.Equal("Rejected", Assert.Single(attempts.EnumerateArray()).GetProperty("outcome").GetString());
        }

        // The subscription itself is fine: an object is projected and delivered; nothing else was ever called.
        var order = await PublishAsync(client, Topic, Order, "order.created");
        var delivered = Assert.Single(await Receiver["strict"].WaitForAsync(1, Patience));
        Assert.Equal(order, delivered.MessageId);
        AssertProjected(JsonSerializer.Serialize(Assert.IsType<JsonElement>(delivered.CloudEvent.Data)));
    }

    [Fact]
    public async Task An_envelope_that_cannot_be_projected_tells_nothing_about_the_endpoint()
    {
        var hook = Receiver["failing"];
        hook.DefaultStatus = 500;
        var topology = Projected(new TestTopology().Topic(Topic).Subscription(Topic, "failing", Receiver.UrlOf("failing"), maxAttempts: 1), "failing")
            .With($"{Key("failing")}:CircuitBreaker:MinimumThroughput", "1000")
            .With($"{Key("failing")}:PauseAfterConsecutiveFailures", "0");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        // One real call fails: the endpoint has one failure in a row.
        await PublishAsync(client, Topic, Order, "order.created");
        await EventuallyAsync(() => DeadLettersAsync(client, Topic, "failing"), d => d.GetProperty("items").GetArrayLength() == 1, "the failed call's dead letter");
        Assert.Equal(1, (await EndpointAsync(client, "failing")).GetProperty("consecutiveFailures").GetInt32());

        // Data that cannot be projected makes no call: dead-lettered, and the endpoint's run of failures is untouched.
        await PublishAsync(client, Topic, "just text", "order.created");
        await EventuallyAsync(() => DeadLettersAsync(client, Topic, "failing"), d => d.GetProperty("items").GetArrayLength() == 2, "the unprojectable dead letter");
        Assert.Single(hook.Received);
        Assert.Equal(1, (await EndpointAsync(client, "failing")).GetProperty("consecutiveFailures").GetInt32());
    }

    private static Task<JsonElement> EndpointAsync(HttpClient client, string subscription) =>
        GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/{subscription}/endpoint");

    private static void AssertProjected(string json) =>
        Assert.True(JsonNode.DeepEquals(Expected, JsonNode.Parse(json)), json);

    private static string Key(string subscription) => $"Bridge:Topics:{Topic}:Subscriptions:{subscription}:Webhook";

    /// <summary>The projection of <see cref="ApiProjection"/>, in configuration.</summary>
    internal static TestTopology Projected(TestTopology topology, string subscription, string topic = Topic)
    {
        var key = $"Bridge:Topics:{topic}:Subscriptions:{subscription}:Webhook:Projection";
        return topology
            .With($"{key}:Fields:orderId", "/order/id")
            .With($"{key}:Fields:total", "/order/total")
            .With($"{key}:Fields:customer", "/customer")
            .With($"{key}:Fields:lines", "/lines")
            .With($"{key}:Constants:channel", "bridge")
            .With($"{key}:Flatten", ".");
    }
}
