using System.Net;
using System.Text.Json;
using Bridge.Tests.Subscriptions;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Pull;

/// <summary>
/// Pull subscriptions made through the subscriptions API: the creating identity receives and settles over the pull
/// routes, nobody else but an admin sees them; what a pull subscription cannot do (a webhook's fields, a secret, a
/// pause, turning into push) is refused by name.
/// </summary>
public sealed class ApiPullSubscriptionTests : PullTestBase
{
    private const string Inbox = "inbox";

    [Fact]
    public async Task The_creating_key_receives_and_completes_while_another_identity_neither_sees_nor_pulls_it_and_delete_stops_it()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var admin = bridge.CreateClient();
        using var agent = await OwnerClientAsync(bridge, admin, ["subscribe:orders"]);
        using var stranger = await OwnerClientAsync(bridge, admin, ["subscribe:orders"], "someone-else");

        var (created, resource, response) = await SendAsync(agent, HttpMethod.Post, Route(Topic),
            new { name = Inbox, delivery = "pull", maxAttempts = 3, lockDurationSeconds = 30, filter = new { types = new[] { "order.created" } } });
        response.Dispose();
        Assert.True(created == HttpStatusCode.Created, $"create answered {(int)created}: {resource}");
        Assert.Equal("pull", resource.GetProperty("delivery").GetString());
        Assert.Equal(3, resource.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(30, resource.GetProperty("lockDurationSeconds").GetDouble());
        foreach (var webhookField in new[] { "url", "secret", "timeoutSeconds", "concurrency", "format" })
        {
            Assert.False(resource.TryGetProperty(webhookField, out _), $"a pull subscription shows {webhookField}: {resource}");
        }

        // Published by an admin, received and completed by the creator's key under the lock asked for, through the filter.
        await PublishAsync(admin, Topic, new { n = 0 }, "order.cancelled"); // outside the filter
        var first = await PublishAsync(admin, Topic, new { n = 1 }, "order.created");
        var item = Assert.Single(await ReceiveAllAsync(agent, 1, subscription: Inbox));
        Assert.Equal(first, EventId(item));
        Assert.Equal(3, item.GetProperty("maxDeliveries").GetInt32());
        Assert.InRange(item.GetProperty("lockedUntil").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(15), DateTimeOffset.UtcNow.AddSeconds(35));
        Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(agent, Token(item), "complete", subscription: Inbox));

        // Another identity with the same scope: not listed, not found, cannot pull, settle or change it.
        var (hidden, problem) = await PostAsync(stranger, Path("receive", Inbox), null);
        Assert.Equal((HttpStatusCode.NotFound, "urn:bridge:problem:unknown-subscription"), (hidden, ProblemType(problem)));
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(stranger, Path($"{Token(item)}/complete", Inbox), null)).Status);
        Assert.DoesNotContain(Inbox, Names(await GetJsonAsync(stranger, Route(Topic))));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(stranger, HttpMethod.Get, Route(Topic, Inbox)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(stranger, HttpMethod.Delete, Route(Topic, Inbox)));
        Assert.Contains(Inbox, Names(await GetJsonAsync(agent, Route(Topic))));

        // Replaced as a pull subscription, the new maximum holds for the next receive.
        var (replaced, changed, replaceResponse) = await SendAsync(agent, HttpMethod.Put, Route(Topic, Inbox), new { delivery = "pull", maxAttempts = 5 });
        replaceResponse.Dispose();
        Assert.True(replaced == HttpStatusCode.OK, $"replace answered {(int)replaced}: {changed}");
        Assert.Equal(60, changed.GetProperty("lockDurationSeconds").GetDouble());
        await PublishAsync(admin, Topic, new { n = 2 }, "order.created");
        var second = Assert.Single(await ReceiveAllAsync(agent, 1, subscription: Inbox));
        Assert.Equal(5, second.GetProperty("maxDeliveries").GetInt32());

        // What a pull subscription cannot do.
        await AssertConflictAsync(agent, HttpMethod.Put, Route(Topic, Inbox), new { url = Receiver.UrlOf("x") }, "delivery-cannot-change");
        await AssertConflictAsync(agent, HttpMethod.Post, Route(Topic, Inbox) + "/pause", null, "pull-subscription-not-pausable");
        await AssertConflictAsync(agent, HttpMethod.Post, Route(Topic, Inbox) + "/resume", null, "pull-subscription-not-pausable");
        await AssertConflictAsync(agent, HttpMethod.Post, Route(Topic, Inbox) + "/secret/rotate", null, "pull-subscription-has-no-secret");
        Assert.Equal("pull", (await GetJsonAsync(agent, Route(Topic, Inbox))).GetProperty("delivery").GetString());

        // Deleted: no longer pulled nor listed, and its lock settles nothing.
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(agent, HttpMethod.Delete, Route(Topic, Inbox)));
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(agent, Path("receive", Inbox), null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, await SettleAsync(agent, Token(second), "complete", subscription: Inbox));
        Assert.DoesNotContain(Inbox, Names(await GetJsonAsync(agent, Route(Topic))));
    }

    [Fact]
    public async Task A_push_subscription_cannot_become_pull_and_a_row_stored_before_pull_existed_reads_as_push()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var admin = bridge.CreateClient();
        var secret = await CreateAsync(admin, Topic, new { name = "hook", url = Receiver.UrlOf("hook"), lockDurationSeconds = 45 });
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        await AssertConflictAsync(admin, HttpMethod.Put, Route(Topic, "hook"), new { delivery = "pull" }, "delivery-cannot-change");
        var kept = await GetJsonAsync(admin, Route(Topic, "hook"));
        Assert.Equal("push", kept.GetProperty("delivery").GetString());
        Assert.Equal(45, kept.GetProperty("lockDurationSeconds").GetDouble());

        // A row as written before deliveries and lock durations existed: push, with the defaults' lock.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={System.IO.Path.Combine(Data.Path, "bridge.db")};Pooling=False;Default Timeout=10"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """UPDATE subscriptions SET Settings = '{"types":[],"subject":null,"properties":{},"timeoutSeconds":30,"maxAttempts":8,"concurrency":4,"ordered":false}', Version = Version + 1 WHERE Name = 'hook'""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var old = await GetJsonAsync(admin, Route(Topic, "hook"));
        Assert.Equal("push", old.GetProperty("delivery").GetString());
        Assert.Equal(Receiver.UrlOf("hook").ToString(), old.GetProperty("url").GetString());
        Assert.Equal(60, old.GetProperty("lockDurationSeconds").GetDouble());
        Assert.Equal("active", old.GetProperty("status").GetString());
    }

    private static TestTopology Topology() => new TestTopology().Topic(Topic)
        .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");

    private static IEnumerable<string?> Names(JsonElement list) => list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString());

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        var (status, _, response) = await SendAsync(client, method, path);
        response.Dispose();
        return status;
    }

    private static async Task AssertConflictAsync(HttpClient client, HttpMethod method, string path, object? body, string problemType)
    {
        var (status, problem, response) = await SendAsync(client, method, path, body ?? new { });
        response.Dispose();
        Assert.True(status == HttpStatusCode.Conflict, $"{method} {path} answered {(int)status}: {problem}");
        Assert.Equal("urn:bridge:problem:" + problemType, ProblemType(problem));
    }
}

/// <summary>A pull request with a webhook's fields, or an unknown delivery, is refused with 400 naming each field, and stores nothing.</summary>
public sealed class ApiPullSubscriptionRefusalTests(SubscriptionRefusalFixture fixture) : IClassFixture<SubscriptionRefusalFixture>
{
    public static TheoryData<string, object, string[]> RefusedBodies => new()
    {
        { "a url for pull", new { delivery = "pull", url = "https://hooks.example.com/in" }, ["url"] },
        { "a format for pull", new { delivery = "pull", format = "binary" }, ["format"] },
        { "every webhook field for pull", new { delivery = "pull", timeoutSeconds = 10, concurrency = 2, projection = new { flatten = "." } }, ["timeoutSeconds", "concurrency", "projection"] },
        { "an unknown delivery", new { delivery = "carrier-pigeon", url = "https://hooks.example.com/in" }, ["delivery"] },
        { "zero receives", new { delivery = "pull", maxAttempts = 0 }, ["maxAttempts"] },
        { "a lock over 600 s", new { delivery = "pull", lockDurationSeconds = 601 }, ["lockDurationSeconds"] },
        { "a push lock under 1 s", new { url = "https://hooks.example.com/in", lockDurationSeconds = 0.5 }, ["lockDurationSeconds"] },
    };

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task A_bad_pull_request_is_refused_with_400_naming_each_field_and_stores_nothing(string what, object body, string[] fields)
    {
        var before = await fixture.SnapshotAsync();

        var (status, problem, response) = await SendAsync(fixture.Admin, HttpMethod.Post, Route("orders"), body);
        response.Dispose();

        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {(int)status} {problem}");
        Assert.Equal("urn:bridge:problem:invalid-request", ProblemType(problem));
        Assert.Equal(fields.Order(StringComparer.Ordinal), problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        await fixture.AssertUnchangedAsync(before, what);
    }
}
