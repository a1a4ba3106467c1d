using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Contracts;

/// <summary>Helpers to register contracts and publish raw requests against a real bridge.</summary>
public abstract class ContractTestBase : BridgeTestBase
{
    /// <summary>A contract for <c>order.created</c>: a closed object with an id, an amount and order lines.</summary>
    protected const string OrderSchema = """
        { "type": "object", "additionalProperties": false, "required": ["orderId", "amount"],
          "properties": {
            "orderId": { "type": "string", "maxLength": 64 },
            "amount": { "type": "number", "minimum": 0, "maximum": 100000 },
            "currency": { "type": "string", "enum": ["EUR", "USD"] },
            "lines": { "type": "array", "items": { "type": "object", "required": ["sku"], "properties": { "sku": { "type": "string", "pattern": "^[A-Z0-9-]+$" } } } } } }
        """;

    protected Task<BridgeProcess> StartAsync(Action<TestTopology>? configure = null)
    {
        var topology = new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink"));
        configure?.Invoke(topology);
        return StartBridgeAsync(topology);
    }

    protected static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RegisterAsync(
        HttpClient client, string eventType, string schema, bool force = false, string? description = null)
    {
        var body = $$"""{ "schema": {{schema}}, "force": {{(force ? "true" : "false")}}, "description": {{JsonSerializer.Serialize(description)}} }""";
        return await SendAsync(client, HttpMethod.Post, $"/api/contracts/{eventType}/versions", body, "application/json");
    }

    protected static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpClient client, HttpMethod method, string path, string? body, string contentType, IDictionary<string, string>? headers = null)
    {
        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        return await SendBytesAsync(client, method, path, bytes, contentType, headers);
    }

    protected static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendBytesAsync(
        HttpClient client, HttpMethod method, string path, byte[]? body, string contentType, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"header {name}");
        }
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    protected static async Task<JsonElement> RegisteredAsync(HttpClient client, string eventType, string schema)
    {
        var (status, body, response) = await RegisterAsync(client, eventType, schema);
        using (response)
        {
            Assert.True(status == HttpStatusCode.Created, $"register answered {(int)status}: {body}");
            return body.GetProperty("contract");
        }
    }

    protected static void AssertProblem(JsonElement body, HttpStatusCode status, HttpStatusCode expectedStatus, string expectedType, string what)
    {
        Assert.True(status == expectedStatus, $"{what}: expected {(int)expectedStatus}, got {(int)status}: {body}");
        Assert.Equal("urn:bridge:problem:" + expectedType, body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()), what + ": the problem must explain itself");
    }
}
