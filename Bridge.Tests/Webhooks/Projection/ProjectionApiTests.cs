using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Replay;
using Bridge.Tests.Subscriptions;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Webhooks.Projection;

/// <summary>The subscriptions API refuses an invalid projection with 400 naming the field, and stores nothing.</summary>
public sealed class ProjectionRefusalTests(SubscriptionRefusalFixture fixture) : IClassFixture<SubscriptionRefusalFixture>
{
    public static TheoryData<string, object, string> RefusedProjections => new()
    {
        { "a pointer without '/'", new { fields = new Dictionary<string, string> { ["orderId"] = "order/id" } }, "projection.fields.orderId" },
        { "a bad '~' escape", new { fields = new Dictionary<string, string> { ["orderId"] = "/order~2id" } }, "projection.fields.orderId" },
        { "a null pointer", new { fields = new Dictionary<string, string?> { ["orderId"] = null } }, "projection.fields.orderId" },
        { "an empty output name", new { fields = new Dictionary<string, string> { [""] = "/a" } }, "projection.fields" },
        { "a constant named like a field", new { fields = new Dictionary<string, string> { ["a"] = "/a" }, constants = new Dictionary<string, string> { ["a"] = "x" } }, "projection.constants.a" },
        { "an empty field list", new { fields = new Dictionary<string, string>() }, "projection.fields" },
        { "an empty projection", new { }, "projection" },
        { "a long separator", new { flatten = "::::" }, "projection.flatten" },
        { "too many entries", new { constants = Enumerable.Range(0, 101).ToDictionary(i => $"c{i}", _ => "x") }, "projection" },
    };

    [Theory]
    [MemberData(nameof(RefusedProjections))]
    public async Task An_invalid_projection_is_refused_with_400_naming_the_field_and_stores_nothing(string what, object projection, string field)
    {
        var before = await fixture.SnapshotAsync();

        var (status, problem, response) = await SendAsync(fixture.Admin, HttpMethod.Post, Route("orders"), new { name = "projected", url = "https://hooks.example.com/in", projection });
        response.Dispose();

        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {(int)status} {problem}");
        Assert.Equal("urn:bridge:problem:invalid-request", ProblemType(problem));
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"{what}: {problem}");
        Assert.StartsWith(field + " ", messages[0].GetString(), StringComparison.Ordinal);
        await fixture.AssertUnchangedAsync(before, what);
    }
}

/// <summary>Projections beside the rest of a subscription's life: replays to a corrected endpoint, replace, rows stored before projections existed.</summary>
public sealed class ProjectionLifecycleTests : ReplayTestBase
{
    [Fact]
    public async Task A_replay_to_a_corrected_endpoint_carries_the_projected_data()
    {
        Receiver["broken"].DefaultStatus = 400;
        await using var bridge = await StartBridgeAsync(ProjectionDeliveryTests.Projected(Topology("broken"), "broken"));
        using var client = bridge.CreateClient();
        var id = await PublishAsync(client, Topic, new { order = new { id = "A-1", total = 3 }, customer = new { name = "M" }, secret = "x" }, "order.created");
        await WaitForDeadLettersAsync(client, "broken", 1);

        var job = await StartJobAsync(client, "broken", new { ratePerSecond = 100, targetUrl = Receiver.UrlOf("fixed").ToString() });
        var done = await WaitForJobToEndAsync(client, job.GetProperty("id").GetString()!);

        Assert.Equal(1, done.GetProperty("replayed").GetInt32());
        var replayed = Assert.Single(Receiver["fixed"].Received);
        Assert.Equal(id, replayed.CloudEvent.Id);
        Assert.True(OfficialDeliveryCheck.SignedWith(replayed.Headers, replayed.Body, TestTopology.Secret));
        var data = JsonNode.Parse(JsonSerializer.Serialize(replayed.CloudEvent.Data));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"orderId":"A-1","total":3,"customer.name":"M","channel":"bridge"}"""), data), data?.ToJsonString());
    }

    [Fact]
    public async Task A_replace_without_projection_removes_it_and_a_row_stored_before_projections_delivers_all_data()
    {
        var topology = new TestTopology().Topic(Topic)
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        var data = new { order = new { id = "A-1" }, note = "kept" };
        await using (var bridge = await StartBridgeAsync(topology))
        {
            using var client = bridge.CreateClient();
            Receiver.Trust(await CreateAsync(client, Topic, new { name = "flow", url = Receiver.UrlOf("flow"), format = "data", projection = new { fields = new Dictionary<string, string> { ["id"] = "/order/id" } } }));
            await PublishAsync(client, Topic, data, "order.created");
            Assert.Equal("""{"id":"A-1"}""", Encoding.UTF8.GetString((await Receiver["flow"].WaitForAsync(1, Patience))[0].Body));

            var (replaced, body, response) = await SendAsync(client, HttpMethod.Put, Route(Topic, "flow"), new { url = Receiver.UrlOf("flow"), format = "data" });
            response.Dispose();
            Assert.Equal(HttpStatusCode.OK, replaced);
            Assert.False(body.TryGetProperty("projection", out _));
            await PublishAsync(client, Topic, data, "order.created");
            Assert.Equal(JsonSerializer.Serialize(data), Encoding.UTF8.GetString((await Receiver["flow"].WaitForAsync(2, Patience))[1].Body));
        }

        // A row as written before projections (and formats) existed.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Data.Path, "bridge.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """UPDATE subscriptions SET Settings = '{"types":[],"subject":null,"properties":{},"timeoutSeconds":30,"maxAttempts":8,"concurrency":4,"ordered":false}' WHERE Name = 'flow'""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await using var restarted = await StartBridgeAsync(topology);
        using var again = restarted.CreateClient();
        var view = await GetJsonAsync(again, Route(Topic, "flow"));
        Assert.Equal("structured", view.GetProperty("format").GetString());
        Assert.False(view.TryGetProperty("projection", out _));
        var id = await PublishAsync(again, Topic, data, "order.created");
        var delivered = (await Receiver["flow"].WaitForAsync(3, Patience))[2];
        Assert.Equal(id, delivered.CloudEvent.Id);
        Assert.Equal(JsonSerializer.Serialize(data), JsonSerializer.Serialize(delivered.CloudEvent.Data));
    }
}
