using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bridge.Tests.Xml;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Security;

/// <summary>A bridge whose bootstrap publisher has the XML order transform, so every publish mode can be tried.</summary>
public sealed class IngestAttributeFixture : HostileBridgeFixture
{
    protected override async Task SeedAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync("/api/publishers/bootstrap/transforms", new { xslt = XmlPartnerFixture.OrderTransform });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// Every attribute that becomes an HTTP header on delivery (the id as <c>webhook-id</c>, the correlation id as
/// <c>X-Correlation-Id</c>) and every other event attribute is checked at ingest, in every publish mode (binary,
/// structured, batch, CloudEvents batch, XML): a bad one is a 400 ProblemDetails and nothing is stored or delivered.
/// </summary>
public sealed class IngestAttributeTests(IngestAttributeFixture fixture) : IClassFixture<IngestAttributeFixture>
{
    private const string Events = "/api/topics/erp-events/events";
    private const string Data = """{ "orderId": "12345" }""";
    private const string NonAscii = "caf\u00e9";

    private static readonly Dictionary<string, (Func<HttpRequestMessage> Build, int Status, string Problem)> Cases = new()
    {
        ["binary: ce-id with a non-ASCII character (percent-encoded)"] = (() => Binary(("ce-id", "caf%C3%A9")), 400, "invalid-event"),
        ["binary: ce-id with a space"] = (() => Binary(("ce-id", "order%20one")), 400, "invalid-event"),
        ["binary: ce-id with CR LF"] = (() => Binary(("ce-id", "a%0D%0Ab")), 400, "invalid-event"),
        ["binary: ce-id with DEL"] = (() => Binary(("ce-id", "a%7Fb")), 400, "invalid-event"),
        ["binary: ce-id with NUL"] = (() => Binary(("ce-id", "a%00b")), 400, "invalid-event"),
        ["binary: ce-id of 129 characters"] = (() => Binary(("ce-id", new string('i', 129))), 400, "invalid-event"),
        ["binary: ce-correlationid with a non-ASCII character"] = (() => Binary(("ce-correlationid", "caf%C3%A9")), 400, "invalid-correlation-id"),
        ["binary: ce-correlationid with a space"] = (() => Binary(("ce-correlationid", "a%20b")), 400, "invalid-correlation-id"),
        ["binary: ce-correlationid with a tab"] = (() => Binary(("ce-correlationid", "a%09b")), 400, "invalid-correlation-id"),
        ["binary: X-Correlation-Id of 129 characters"] = (() => Binary(("X-Correlation-Id", new string('c', 129))), 400, "invalid-correlation-id"),
        ["binary: ce-specversion 0.3"] = (() => Binary(("ce-specversion", "0.3")), 400, "invalid-event"),
        ["binary: ce-time that is not a timestamp"] = (() => Binary(("ce-time", "yesterday")), 400, "invalid-event"),
        ["binary: ce-traceparent"] = (() => Binary(("ce-traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")), 400, "invalid-event"),
        ["binary: ce-data"] = (() => Binary(("ce-data", "{}")), 400, "invalid-event"),
        ["binary: ce-publisher (Bridge stamps it)"] = (() => Binary(("ce-publisher", "someone-else")), 400, "invalid-event"),
        ["binary: ce-source that is not a URI reference"] = (() => Binary(("ce-source", "http://[bad")), 400, "invalid-event"),
        ["binary: ce-dataschema that is relative"] = (() => Binary(("ce-dataschema", "schemas/order")), 400, "invalid-event"),
        ["binary: ce-type of 257 characters"] = (() => Binary(("ce-type", new string('t', 257))), 400, "invalid-event"),
        ["binary: ce-subject of 1025 characters"] = (() => Binary(("ce-subject", new string('s', 1025))), 400, "invalid-event"),
        ["binary: ce-partitionkey of 129 characters"] = (() => Binary(("ce-partitionkey", new string('k', 129))), 400, "invalid-event"),
        ["binary: a property with a control character"] = (() => Binary(("ce-region", "eu%01")), 400, "invalid-event"),
        ["binary: a property name with an underscore"] = (() => Binary(("ce-re_gion", "eu")), 400, "invalid-event"),
        ["binary: a property name of 21 characters"] = (() => Binary(("ce-" + new string('p', 21), "x")), 400, "invalid-event"),
        ["binary: 33 properties"] = (() => Binary([.. Enumerable.Range(0, 33).Select(i => ($"ce-p{i}", "x"))]), 400, "invalid-event"),
        ["structured: id with a non-ASCII character"] = (() => Structured($$"""{ "specversion": "1.0", "id": "{{NonAscii}}", "source": "/s", "type": "t", "data": {} }"""), 400, "invalid-event"),
        ["structured: correlationid with a non-ASCII character and no X-Correlation-Id"] = (() => Structured($$"""{ "specversion": "1.0", "id": "a1", "source": "/s", "type": "t", "correlationid": "{{NonAscii}}", "data": {} }"""), 400, "invalid-event"),
        ["structured: correlationid with a line break"] = (() => Structured("""{ "specversion": "1.0", "id": "a1", "source": "/s", "type": "t", "correlationid": "a\r\nX-Injected: yes", "data": {} }"""), 400, "invalid-event"),
        ["structured: id with a lone surrogate"] = (() => Structured("""{ "specversion": "1.0", "id": "a\ud800", "source": "/s", "type": "t", "data": {} }"""), 400, "invalid-event"),
        ["structured: id with a space"] = (() => Structured("""{ "specversion": "1.0", "id": "a b", "source": "/s", "type": "t", "data": {} }"""), 400, "invalid-event"),
        ["structured: an empty id"] = (() => Structured("""{ "specversion": "1.0", "id": "", "source": "/s", "type": "t", "data": {} }"""), 400, "invalid-event"),
        ["structured: correlationid of 200 characters"] = (() => Structured($$"""{ "specversion": "1.0", "id": "a1", "source": "/s", "type": "t", "correlationid": "{{new string('c', 200)}}", "data": {} }"""), 400, "invalid-event"),
        ["structured: id as a number"] = (() => Structured("""{ "specversion": "1.0", "id": 5, "source": "/s", "type": "t", "data": {} }"""), 400, "invalid-event"),
        ["structured: id with a NEL (U+0085)"] = (() => Structured("""{ "specversion": "1.0", "id": "a\u0085", "source": "/s", "type": "t", "data": {} }"""), 400, "invalid-event"),
        ["CloudEvents batch: an id with a non-ASCII character"] = (() => CloudEventsBatch($$"""[ { "specversion": "1.0", "id": "ok1", "source": "/s", "type": "t", "data": {} }, { "specversion": "1.0", "id": "{{NonAscii}}", "source": "/s", "type": "t", "data": {} } ]"""), 400, "invalid-event"),
        ["CloudEvents batch: a correlationid with a non-ASCII character"] = (() => CloudEventsBatch($$"""[ { "specversion": "1.0", "id": "ok1", "source": "/s", "type": "t", "correlationid": "{{NonAscii}}", "data": {} } ]"""), 400, "invalid-event"),
        ["CloudEvents batch: an id with a tab"] = (() => CloudEventsBatch("""[ { "specversion": "1.0", "id": "a\tb", "source": "/s", "type": "t", "data": {} } ]"""), 400, "invalid-event"),
        ["CloudEvents batch: an id with a lone surrogate"] = (() => CloudEventsBatch("""[ { "specversion": "1.0", "id": "a\udc00", "source": "/s", "type": "t", "data": {} } ]"""), 400, "invalid-event"),
        ["batch: a property value with a lone surrogate"] = (() => Batch("""[ { "properties": { "region": "\ud800" }, "data": {} } ]"""), 400, "invalid-event"),
        ["batch: a property name with a lone surrogate"] = (() => Batch("""[ { "properties": { "\ud800": "x" }, "data": {} } ]"""), 400, "invalid-event"),
        ["structured: an extension name with a lone surrogate"] = (() => Structured("""{ "specversion": "1.0", "id": "a1", "source": "/s", "type": "t", "\ud800": "x", "data": {} }"""), 400, "invalid-event"),
        ["batch: an orderingKey with a control character"] = (() => Batch("""[ { "orderingKey": "k\u0001", "data": {} } ]"""), 400, "invalid-event"),
        ["batch: a property that is not a string"] = (() => Batch("""[ { "properties": { "region": 5 }, "data": {} } ]"""), 400, "invalid-event"),
        ["batch: a property named like a CloudEvents attribute"] = (() => Batch("""[ { "properties": { "id": "x" }, "data": {} } ]"""), 400, "invalid-event"),
        ["batch: a property named publisher"] = (() => Batch("""[ { "properties": { "publisher": "x" }, "data": {} } ]"""), 400, "invalid-event"),
        ["XML: ce-id with a non-ASCII character"] = (() => Xml(("ce-id", "caf%C3%A9")), 400, "invalid-event"),
        ["XML: ce-id with a space"] = (() => Xml(("ce-id", "a%20b")), 400, "invalid-event"),
        ["XML: ce-correlationid with a non-ASCII character"] = (() => Xml(("ce-correlationid", "caf%C3%A9")), 400, "invalid-correlation-id"),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_bad_attribute_is_refused_in_every_publish_mode_and_stores_nothing(string what)
    {
        using var client = fixture.Bridge.CreateClient();
        var (build, status, problem) = Cases[what];
        using var request = build();
        await fixture.AssertRefusedAsync(client, request, what, status, problem);
    }

    private static HttpRequestMessage Binary(params (string Name, string Value)[] headers) => WithHeaders(Publish("erp-events", Data, null), headers);

    private static HttpRequestMessage Xml(params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Events) { Content = new StringContent(XmlPartnerFixture.OrderXml, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        return WithHeaders(request, headers);
    }

    private static HttpRequestMessage Structured(string json) => Body(Events, json, "application/cloudevents+json");

    private static HttpRequestMessage CloudEventsBatch(string json) => Body(Events + "/batch", json, "application/cloudevents-batch+json");

    private static HttpRequestMessage Batch(string json) => Body(Events + "/batch", json, "application/json");

    private static HttpRequestMessage Body(string path, string json, string mediaType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return request;
    }

    private static HttpRequestMessage WithHeaders(HttpRequestMessage request, (string Name, string Value)[] headers)
    {
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }
}
