using System.Net;

namespace Bridge.Tests.Contracts;

/// <summary>Hostile input against a bridge with contracts: each gets a clear 4xx ProblemDetails and stores nothing.</summary>
public sealed class HostileInputTests : ContractTestBase
{
    private const string Events = "/api/topics/orders/events";
    private const string Json = "application/json";

    private sealed record Case(string What, string Path, byte[] Body, string ContentType, Dictionary<string, string> Headers, HttpStatusCode Status, string ProblemType);

    private static Case Publish(string what, string body, HttpStatusCode status, string problemType, Dictionary<string, string>? headers = null, string contentType = Json, string path = Events) =>
        new(what, path, Encoding.UTF8.GetBytes(body), contentType, headers ?? new() { ["ce-type"] = "order.created" }, status, problemType);

    private static Case Register(string what, string schema, HttpStatusCode status, string problemType) =>
        new(what, "/api/contracts/order.created/versions", Encoding.UTF8.GetBytes($$"""{ "schema": {{schema}} }"""), Json, [], status, problemType);

    private static IEnumerable<Case> Cases()
    {
        const HttpStatusCode Unprocessable = HttpStatusCode.UnprocessableEntity;
        yield return Publish("several violations in one event", """{ "orderId": 5, "amount": "lots", "currency": "GBP", "extra": 1 }""", Unprocessable, "contract-violation");
        yield return Publish("wrong JSON type (an array for an object)", """[ { "orderId": "1", "amount": 1 } ]""", Unprocessable, "contract-violation");
        yield return Publish("missing required property", """{ "orderId": "1" }""", Unprocessable, "contract-violation");
        yield return Publish("deeply nested JSON", """{ "orderId": "1", "amount": 1, "lines": """ + new string('[', 200) + new string(']', 200) + "}", HttpStatusCode.BadRequest, "malformed-json");
        yield return Publish("nested within the limit but against the contract", """{ "orderId": "1", "amount": 1, "lines": [""" + new string('[', 50) + new string(']', 50) + "] }", Unprocessable, "contract-violation");
        yield return Publish("huge string beyond maxLength", $$"""{ "orderId": "{{new string('x', 200_000)}}", "amount": 1 }""", Unprocessable, "contract-violation");
        yield return new Case("invalid UTF-8 bytes", Events, [.. "{ \"orderId\": \""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\", \"amount\": 1 }"u8.ToArray()], Json,
            new() { ["ce-type"] = "order.created" }, HttpStatusCode.BadRequest, "malformed-json");
        yield return Publish("wrong content type", """{ "orderId": "1", "amount": 1 }""", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type", contentType: "text/plain");
        yield return Publish("unknown pinned version", """{ "orderId": "1", "amount": 1 }""", Unprocessable, "unknown-contract-version",
            new() { ["ce-type"] = "order.created", ["ce-dataschema"] = "urn:bridge:contract:order.created:9" });
        yield return Publish("pinned contract of another type", """{ "orderId": "1", "amount": 1 }""", Unprocessable, "unknown-contract-version",
            new() { ["ce-type"] = "order.created", ["ce-dataschema"] = "urn:bridge:contract:invoice.paid:1" });
        yield return Publish("batch with one bad event", """[ { "type": "order.created", "data": { "orderId": "1", "amount": 1 } }, { "type": "order.created", "data": { "amount": -1 } } ]""",
            Unprocessable, "contract-violation", path: Events + "/batch");
        yield return Register("invalid schema: unknown type name", """{ "type": "strin" }""", Unprocessable, "invalid-schema");
        yield return Register("invalid schema: bad pattern", """{ "type": "string", "pattern": "([a-z" }""", Unprocessable, "invalid-schema");
        yield return Register("invalid schema: reference outside the schema", """{ "type": "object", "properties": { "a": { "$ref": "http://127.0.0.1:9/evil.json" } } }""", Unprocessable, "invalid-schema");
        yield return Register("invalid schema: not an object", """[ "type", "object" ]""", HttpStatusCode.BadRequest, "invalid-request");
        yield return Register("incompatible version", """{ "type": "object", "additionalProperties": false, "required": ["orderId"], "properties": { "orderId": { "type": "integer" } } }""",
            HttpStatusCode.Conflict, "incompatible-contract");
        yield return Publish("correlation id with CR/LF (header injection)", """{ "orderId": "1", "amount": 1 }""", HttpStatusCode.BadRequest, "invalid-correlation-id",
            new() { ["ce-type"] = "order.created", ["ce-correlationid"] = "abc%0D%0AX-Injected:%20yes" });
        yield return Publish("correlation id with a control character", """{ "orderId": "1", "amount": 1 }""", HttpStatusCode.BadRequest, "invalid-correlation-id",
            new() { ["ce-type"] = "order.created", ["X-Correlation-Id"] = "abc\tdef" });
        yield return Publish("oversized correlation id", """{ "orderId": "1", "amount": 1 }""", HttpStatusCode.BadRequest, "invalid-correlation-id",
            new() { ["ce-type"] = "order.created", ["X-Correlation-Id"] = new string('c', 129) });
        yield return Publish("oversized correlation id on a batch", """[ { "type": "order.created", "data": { "orderId": "1", "amount": 1 } } ]""", HttpStatusCode.BadRequest, "invalid-correlation-id",
            new() { ["X-Correlation-Id"] = new string('c', 500) }, path: Events + "/batch");
    }

    [Fact]
    public async Task Every_hostile_input_gets_a_clear_problem_and_stores_nothing()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);
        var before = await SettledStoreAsync();
        var failures = new List<string>();

        foreach (var hostile in Cases())
        {
            try
            {
                var (status, body, response) = await SendBytesAsync(client, HttpMethod.Post, hostile.Path, hostile.Body, hostile.ContentType, hostile.Headers);
                using (response)
                {
                    AssertProblem(body, status, hostile.Status, hostile.ProblemType, hostile.What);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.True(response.Content.Headers.ContentLength is null or < 16_384, $"{hostile.What}: the problem must not echo the input");
                    Assert.DoesNotContain(response.Headers, h => h.Key.Equals("X-Injected", StringComparison.OrdinalIgnoreCase));
                }
                await AssertStoreUnchangedAsync(before, hostile.What);
            }
#pragma warning disable CA1031 // Collect every failing case, then fail once naming them all.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Add($"{hostile.What}: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
