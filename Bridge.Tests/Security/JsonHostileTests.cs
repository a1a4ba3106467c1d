using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Security;

/// <summary>Small limits, and a contract whose pattern backtracks badly (<c>^(a|aa)+$</c>) but is not refused at registration.</summary>
public sealed class JsonHostileFixture : HostileBridgeFixture
{
    public const string SlowPatternType = "code.checked";

    protected override void Configure(TestTopology topology) => topology
        .With("Bridge:Publisher:MaxEventBytes", "65536")
        .With("Bridge:Publisher:MaxBatchBytes", "131072")
        .With("Bridge:Publisher:MaxBatchSize", "10");

    protected override async Task SeedAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync($"/api/contracts/{SlowPatternType}/versions",
            new { schema = new { type = "object", properties = new { code = new { type = "string", pattern = "^(a|aa)+$" } } } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// Hostile JSON in every publish mode and hostile contract patterns: each is a clear 4xx ProblemDetails (400, 413, 415
/// or 422) with a stable type, and nothing is stored or delivered. A pattern that backtracks is cut off within its time
/// limit (422 <c>pattern-timeout</c>); nested unbounded quantifiers are refused at registration (422 <c>invalid-schema</c>).
/// </summary>
public sealed class JsonHostileTests(JsonHostileFixture fixture) : IClassFixture<JsonHostileFixture>
{
    private const string Events = "/api/topics/erp-events/events";
    private const string Json = "application/json";
    private const string Structured = "application/cloudevents+json";
    private const string CloudEventsBatch = "application/cloudevents-batch+json";

    private static readonly Dictionary<string, (string Path, byte[] Body, string? MediaType, int Status, string Problem)> Cases = new()
    {
        ["unterminated JSON"] = (Events, Utf8("""{ "a": """), Json, 400, "malformed-json"),
        ["a trailing comma"] = (Events, Utf8("""{ "a": 1, }"""), Json, 400, "malformed-json"),
        ["a comment"] = (Events, Utf8("""{ /* c */ "a": 1 }"""), Json, 400, "malformed-json"),
        ["single quotes"] = (Events, Utf8("{ 'a': 1 }"), Json, 400, "malformed-json"),
        ["a NaN literal"] = (Events, Utf8("""{ "a": NaN }"""), Json, 400, "malformed-json"),
        ["two JSON values"] = (Events, Utf8("{} {}"), Json, 400, "malformed-json"),
        ["nesting 200 deep"] = (Events, Utf8(new string('[', 200) + new string(']', 200)), Json, 400, "malformed-json"),
        ["invalid UTF-8"] = (Events, [.. "{ \"a\": \""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\" }"u8.ToArray()], Json, 400, "malformed-json"),
        ["an empty body"] = (Events, [], Json, 400, "malformed-json"),
        ["an event over the size limit"] = (Events, Utf8($$"""{ "a": "{{new string('x', 70_000)}}" }"""), Json, 413, "payload-too-large"),
        ["text/plain"] = (Events, Utf8("{}"), "text/plain", 415, "unsupported-media-type"),
        ["no Content-Type"] = (Events, Utf8("{}"), null, 415, "unsupported-media-type"),
        ["form data"] = (Events, Utf8("a=1"), "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
        ["structured: unterminated"] = (Events, Utf8("""{ "specversion": "1.0", """), Structured, 400, "malformed-json"),
        ["structured: an array"] = (Events, Utf8("[]"), Structured, 400, "invalid-event"),
        ["structured: no specversion"] = (Events, Utf8("""{ "id": "a", "source": "/s", "type": "t" }"""), Structured, 400, "invalid-event"),
        ["structured: specversion 0.3"] = (Events, Utf8("""{ "specversion": "0.3", "id": "a", "source": "/s", "type": "t" }"""), Structured, 400, "invalid-event"),
        ["structured: no id"] = (Events, Utf8("""{ "specversion": "1.0", "source": "/s", "type": "t" }"""), Structured, 400, "invalid-event"),
        ["structured: no source"] = (Events, Utf8("""{ "specversion": "1.0", "id": "a", "type": "t" }"""), Structured, 400, "invalid-event"),
        ["structured: no type"] = (Events, Utf8("""{ "specversion": "1.0", "id": "a", "source": "/s" }"""), Structured, 400, "invalid-event"),
        ["structured: data_base64"] = (Events, Utf8("""{ "specversion": "1.0", "id": "a", "source": "/s", "type": "t", "data_base64": "AA==" }"""), Structured, 400, "invalid-event"),
        ["structured: datacontenttype text/plain"] = (Events, Utf8("""{ "specversion": "1.0", "id": "a", "source": "/s", "type": "t", "datacontenttype": "text/plain", "data": "x" }"""), Structured, 400, "invalid-event"),
        ["structured: an object extension"] = (Events, Utf8("""{ "specversion": "1.0", "id": "a", "source": "/s", "type": "t", "region": { "x": 1 } }"""), Structured, 400, "invalid-event"),
        ["structured: a time that is not RFC 3339"] = (Events, Utf8("""{ "specversion": "1.0", "id": "a", "source": "/s", "type": "t", "time": "soon" }"""), Structured, 400, "invalid-event"),
        ["structured: type as a boolean"] = (Events, Utf8("""{ "specversion": "1.0", "id": "a", "source": "/s", "type": true }"""), Structured, 400, "invalid-event"),
        ["batch: an object"] = (Events + "/batch", Utf8("""{ "data": {} }"""), Json, 400, "invalid-event"),
        ["batch: empty"] = (Events + "/batch", Utf8("[]"), Json, 400, "invalid-event"),
        ["batch: over the size limit"] = (Events + "/batch", Utf8("[" + string.Join(",", Enumerable.Repeat("""{ "data": 1 }""", 11)) + "]"), Json, 400, "invalid-event"),
        ["batch: an item without data"] = (Events + "/batch", Utf8("""[ { "type": "t" } ]"""), Json, 400, "invalid-event"),
        ["batch: an item that is not an object"] = (Events + "/batch", Utf8("[ 1 ]"), Json, 400, "invalid-event"),
        ["batch: over the byte limit"] = (Events + "/batch", Utf8($$"""[ { "data": "{{new string('x', 140_000)}}" } ]"""), Json, 413, "payload-too-large"),
        ["batch: malformed"] = (Events + "/batch", Utf8("[ { \"data\": } ]"), Json, 400, "malformed-json"),
        ["CloudEvents batch: an item that is not an object"] = (Events + "/batch", Utf8("[ \"x\" ]"), CloudEventsBatch, 400, "invalid-event"),
        ["CloudEvents batch: an item without specversion"] = (Events + "/batch", Utf8("""[ { "id": "a", "source": "/s", "type": "t" } ]"""), CloudEventsBatch, 400, "invalid-event"),
        ["contract: a pattern that backtracks"] = (Events, Utf8($$"""{ "code": "{{new string('a', 64)}}!" }"""), Json, 422, "pattern-timeout"),
        ["contract: a value against its contract"] = (Events, Utf8("""{ "code": 5 }"""), Json, 422, "contract-violation"),
        ["register: (a+)+"] = (Register("^(a+)+$"), Schema("^(a+)+$"), Json, 422, "invalid-schema"),
        ["register: (\\w*)*"] = (Register("w"), Schema("^(\\\\w*)*$"), Json, 422, "invalid-schema"),
        ["register: ([a-z]+)*"] = (Register("az"), Schema("^([a-z]+)*$"), Json, 422, "invalid-schema"),
        ["register: (x+x+)+y"] = (Register("xx"), Schema("(x+x+)+y"), Json, 422, "invalid-schema"),
        ["register: (\\w+\\s?)*"] = (Register("ws"), Schema("^(\\\\w+\\\\s?)*$"), Json, 422, "invalid-schema"),
        ["register: (a{2,})+"] = (Register("a2"), Schema("^(a{2,})+$"), Json, 422, "invalid-schema"),
        ["register: (?:a+)+ inside a non-capturing group"] = (Register("nc"), Schema("^(?:a+)+$"), Json, 422, "invalid-schema"),
        ["register: ((ab)+)+ nested groups"] = (Register("ng"), Schema("^((ab)+)+$"), Json, 422, "invalid-schema"),
        ["register: a patternProperties key (a+)+"] = (Register("pp"), Utf8("""{ "schema": { "type": "object", "patternProperties": { "^(a+)+$": { "type": "string" } } } }"""), Json, 422, "invalid-schema"),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_json_is_refused_with_a_problem_and_stores_nothing(string what)
    {
        using var client = fixture.Bridge.CreateClient();
        var (path, body, mediaType, status, problem) = Cases[what];
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (mediaType is not null)
        {
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }
        if (path == Events && what.StartsWith("contract:", StringComparison.Ordinal))
        {
            request.Headers.Add("ce-type", JsonHostileFixture.SlowPatternType);
        }

        var watch = Stopwatch.StartNew();
        await fixture.AssertRefusedAsync(client, request, what, status, problem);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{what}: the refusal took {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Theory]
    [InlineData("^[a-z]+(-[a-z]+)*$")]
    [InlineData("^\\\\d+(\\\\.\\\\d+)*$")]
    [InlineData("^(?:[A-Z]{2})+$")]
    public async Task A_repeated_group_that_starts_with_a_literal_or_is_bounded_is_a_safe_pattern(string pattern)
    {
        using var client = fixture.Bridge.CreateClient();
        using var response = await client.PostAsync("/api/contracts/safe." + Guid.NewGuid().ToString("N")[..8] + "/versions",
            new ByteArrayContent(Schema(pattern)) { Headers = { ContentType = new MediaTypeHeaderValue(Json) } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Register(string name) => $"/api/contracts/catastrophic.{name}/versions";

    private static byte[] Schema(string pattern) => Utf8($$"""{ "schema": { "type": "object", "properties": { "code": { "type": "string", "pattern": "{{pattern}}" } } } }""");
}
