using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.EndToEnd;

public sealed class PublishValidationTests : BridgeTestBase
{
    [Fact]
    public async Task Wrong_spec_version_misplaced_trace_context_bad_property_names_and_a_loose_time_are_refused_with_every_error_listed()
    {
        var topology = new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics/orders/events") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("ce-specversion", "0.3");
        request.Headers.Add("ce-traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        request.Headers.Add("ce-Bad_Name", "x");
        request.Headers.Add("ce-time", "2025-06-14 10:00"); // not RFC 3339

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(4, errors.EnumerateObject().Count());
        Assert.True(errors.TryGetProperty("header ce-time", out _), errors.ToString());
        Assert.Equal(0, MessagesEverStored());
    }

    [Fact]
    public async Task A_valid_batch_is_accepted_whole_and_each_event_delivered()
    {
        var topology = new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        const string batch = """
            [ { "type": "order.created", "subject": "orders/1", "data": { "orderId": "1" } },
              { "type": "order.created", "orderingKey": "customer-9", "properties": { "region": "eu" }, "data": { "orderId": "2" } } ]
            """;

        using var response = await client.PostAsync("/api/topics/orders/events/batch", new StringContent(batch, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var ids = accepted.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(2, ids.Length);
        var received = await Receiver["sink"].WaitForAsync(2, Patience);
        Assert.Equal(ids.Order(), received.Select(r => r.MessageId).Order());
        var second = received.Single(r => r.MessageId == ids[1]).Json;
        Assert.Equal("customer-9", second.GetProperty("partitionkey").GetString());
        Assert.Equal("eu", second.GetProperty("region").GetString());
        Assert.Equal(accepted.GetProperty("correlationId").GetString(), second.GetProperty("correlationid").GetString());
    }

    private long MessagesEverStored() =>
        (long)QueryFile("broker.db", "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)")!;
}

/// <summary>One bridge (2 KB events, 4 KB batches) shared by the refused publishes: each refusal stores nothing.</summary>
public sealed class PublishRefusalFixture : Security.HostileBridge
{
    protected override TestTopology Topology() => new TestTopology()
        .Subscription("orders", "sink", new Uri("https://hooks.example.com/sink"))
        .With("Bridge:Publisher:MaxEventBytes", "2048")
        .With("Bridge:Publisher:MaxBatchBytes", "4096");

    protected override Task SeedAsync() => Task.CompletedTask;
}

public sealed class PublishRefusalTests(PublishRefusalFixture fixture) : IClassFixture<PublishRefusalFixture>
{
    public static TheoryData<string, string, string, string, int, string> BadRequests => new()
    {
        { "unknown topic", "/api/topics/nope/events", "application/json", "{}", 404, "urn:bridge:problem:unknown-topic" },
        { "malformed JSON", "/api/topics/orders/events", "application/json", "{\"orderId\": ", 400, "urn:bridge:problem:malformed-json" },
        { "empty body", "/api/topics/orders/events", "application/json", "", 400, "urn:bridge:problem:malformed-json" },
        { "oversize event", "/api/topics/orders/events", "application/json", "{\"x\":\"" + new string('a', 3000) + "\"}", 413, "urn:bridge:problem:payload-too-large" },
        { "wrong content type", "/api/topics/orders/events", "text/plain", "{}", 415, "urn:bridge:problem:unsupported-media-type" },
        { "XML content type", "/api/topics/orders/events", "application/xml", "<a/>", 415, "urn:bridge:problem:unsupported-media-type" },
        { "batch not an array", "/api/topics/orders/events/batch", "application/json", "{\"data\":{}}", 400, "urn:bridge:problem:invalid-event" },
        { "batch item without data", "/api/topics/orders/events/batch", "application/json", "[{\"data\":{}},{\"type\":\"x\"}]", 400, "urn:bridge:problem:invalid-event" },
        { "batch with bad property name", "/api/topics/orders/events/batch", "application/json", "[{\"data\":{},\"properties\":{\"Region\":\"eu\"}}]", 400, "urn:bridge:problem:invalid-event" },
        { "JSON nested deeper than 63 levels", "/api/topics/orders/events", "application/json", new string('[', 64) + new string(']', 64), 400, "urn:bridge:problem:malformed-json" },
        { "structured event without type", "/api/topics/orders/events", "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"data\":{}}", 400, "urn:bridge:problem:invalid-event" },
        { "structured event with binary data", "/api/topics/orders/events", "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\"AAE=\"}", 400, "urn:bridge:problem:invalid-event" },
        { "structured event with a time that is not RFC 3339", "/api/topics/orders/events", "application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"2025-06-14 10:00\",\"data\":{}}", 400, "urn:bridge:problem:invalid-event" },
        { "oversize batch", "/api/topics/orders/events/batch", "application/json", "[{\"data\":\"" + new string('a', 5000) + "\"}]", 413, "urn:bridge:problem:payload-too-large" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_clear_problem_and_stores_nothing(string what, string path, string contentType, string body, int status, string problemType)
    {
        var client = fixture.Admin;
        var before = await fixture.SnapshotAsync();

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

        Assert.True(status == (int)response.StatusCode, $"{what}: expected {status}, got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(problemType, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), what + ": the problem must explain itself");
        await fixture.AssertUnchangedAsync(before, what);
    }
}
