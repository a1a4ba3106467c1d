using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.EndToEnd;

public sealed class ObservabilityTests : BridgeTestBase
{
    [Fact]
    public async Task Publish_and_delivery_share_one_trace_and_the_callers_trace_id_becomes_the_correlation_id()
    {
        var topology = new TestTopology().Subscription("orders", "traced", Receiver.UrlOf("traced"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics/orders/events") { Content = JsonContent.Create(new { orderId = "7" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(traceId, accepted.GetProperty("correlationId").GetString());
        Assert.Equal(traceId, response.Headers.GetValues("X-Correlation-Id").Single());

        var delivered = (await Receiver["traced"].WaitForAsync(1, Patience)).Single();
        Assert.Contains(traceId, delivered.Json.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
        Assert.Contains(traceId, delivered.Headers["traceparent"], StringComparison.Ordinal);
        Assert.Equal(traceId, delivered.Headers["x-correlation-id"]);
    }

    [Fact]
    public async Task Health_liveness_and_the_OpenAPI_document_are_served()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "any", Receiver.UrlOf("any")));
        using var client = bridge.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
        var openApi = await GetJsonAsync(client, "/openapi/v1.json");
        var publish = openApi.GetProperty("paths").GetProperty("/api/topics/{topic}/events").GetProperty("post");
        Assert.Equal("PublishEvent", publish.GetProperty("operationId").GetString());
        Assert.True(publish.GetProperty("requestBody").GetProperty("required").GetBoolean());
        Assert.True(publish.GetProperty("responses").TryGetProperty("413", out _));
    }

    [Fact]
    public async Task A_bad_topology_stops_the_host_at_start_up_naming_the_bad_key()
    {
        var topology = new TestTopology().Subscription("orders", "broken", new Uri("ftp://example.invalid/hook"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartBridgeAsync(topology));

        Assert.Contains("Bridge:Topics:orders:Subscriptions:broken:Webhook:Url", error.Message, StringComparison.Ordinal);
    }
}
