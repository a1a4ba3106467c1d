using System.Net;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary>The subscriptions API's edges: refusals that store nothing, scopes, replace, pause, rotation, restart.</summary>
public sealed class SubscriptionApiTests : BridgeTestBase
{
    private const string Topic = "orders";

    [Fact]
    public async Task Names_topics_and_configured_subscriptions_are_guarded()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        await CreateAsync(client, Topic, new { name = "taken", url = "https://hooks.example.com/a" });

        var duplicate = await SendAsync(client, HttpMethod.Post, Route(Topic), new { name = "taken", url = "https://hooks.example.com/b" });
        var configured = await SendAsync(client, HttpMethod.Post, Route(Topic), new { name = "audit", url = "https://hooks.example.com/b" });
        var replaceConfigured = await SendAsync(client, HttpMethod.Put, Route(Topic, "audit"), new { url = "https://hooks.example.com/b" });
        var deleteConfigured = await SendAsync(client, HttpMethod.Delete, Route(Topic, "audit"));
        var unknownTopic = await SendAsync(client, HttpMethod.Post, Route("nowhere"), new { url = "https://hooks.example.com/b" });
        var unknownName = await SendAsync(client, HttpMethod.Delete, Route(Topic, "nobody"));
        var renamed = await SendAsync(client, HttpMethod.Put, Route(Topic, "taken"), new { name = "other", url = "https://hooks.example.com/b" });
        var generated = await SendAsync(client, HttpMethod.Post, Route(Topic), new { url = "https://hooks.example.com/c" });

        Assert.Equal((HttpStatusCode.Conflict, "urn:bridge:problem:subscription-exists"), (duplicate.Status, ProblemType(duplicate.Body)));
        Assert.Equal((HttpStatusCode.Conflict, "urn:bridge:problem:subscription-in-configuration"), (configured.Status, ProblemType(configured.Body)));
        Assert.Equal(HttpStatusCode.Conflict, replaceConfigured.Status);
        Assert.Equal(HttpStatusCode.Conflict, deleteConfigured.Status);
        Assert.Equal((HttpStatusCode.NotFound, "urn:bridge:problem:unknown-topic"), (unknownTopic.Status, ProblemType(unknownTopic.Body)));
        Assert.Equal(HttpStatusCode.NotFound, unknownName.Status);
        Assert.Equal(HttpStatusCode.BadRequest, renamed.Status);
        Assert.Equal(HttpStatusCode.Created, generated.Status);
        Assert.Matches("^sub-[0-9a-f]{12}$", generated.Body.GetProperty("name").GetString());
        Assert.Equal($"/api/topics/{Topic}/subscriptions/{generated.Body.GetProperty("name").GetString()}", generated.Response.Headers.Location?.ToString());
        foreach (var answer in new[] { duplicate, configured, replaceConfigured, deleteConfigured, unknownTopic, unknownName, renamed, generated })
        {
            answer.Response.Dispose();
        }
    }

    [Fact]
    public async Task Plain_http_to_loopback_is_refused_unless_allowed()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription(Topic, "audit", Receiver.UrlOf("audit")));
        using var client = bridge.CreateClient();

        var (status, problem, response) = await SendAsync(client, HttpMethod.Post, Route(Topic), new { url = Receiver.UrlOf("x") });
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("https", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_scopes_decide_who_manages_which_topic_and_topics_lists_what_a_key_may_do()
    {
        await using var bridge = await StartBridgeAsync(Topology().Subscription("invoices", "sink", Receiver.UrlOf("sink")));
        using var admin = bridge.CreateClient();
        await CreatePublisherAsync(admin, "recipes", ["subscribe:orders", "publish:invoices"]);
        var (_, key) = await IssueKeyAsync(admin, "recipes");
        using var client = bridge.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);

        var allowed = await SendAsync(client, HttpMethod.Post, Route(Topic), new { name = "mine", url = "https://hooks.example.com/a" });
        var refused = await SendAsync(client, HttpMethod.Post, Route("invoices"), new { name = "mine", url = "https://hooks.example.com/a" });
        var topics = await GetJsonAsync(client, "/api/topics");
        using var anonymous = await bridge.CreateAnonymousClient().GetAsync("/api/topics");

        Assert.Equal(HttpStatusCode.Created, allowed.Status);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("subscribe:invoices", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var listed = topics.GetProperty("items").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString(), t.GetProperty("canPublish").GetBoolean(), t.GetProperty("canSubscribe").GetBoolean()));
        Assert.Equal([("invoices", true, false), ("orders", false, true)], listed);
        allowed.Response.Dispose();
        refused.Response.Dispose();
    }

    [Fact]
    public async Task A_replaced_filter_and_a_pause_take_effect_at_once()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        Receiver.Trust(await CreateAsync(client, Topic, new { name = "flow", url = Receiver.UrlOf("flow"), filter = new { types = new[] { "order.created" } } }));

        var (replaced, body, response) = await SendAsync(client, HttpMethod.Put, Route(Topic, "flow"), new { url = Receiver.UrlOf("flow"), filter = new { types = new[] { "order.shipped" } }, description = "shipping only" });
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal("shipping only", body.GetProperty("description").GetString());
        await PublishAsync(client, Topic, new { n = 1 }, "order.created");
        var shipped = await PublishAsync(client, Topic, new { n = 2 }, "order.shipped");
        Assert.Equal(shipped, (await Receiver["flow"].WaitForAsync(1, Patience))[0].MessageId);

        var (paused, pausedBody, pauseResponse) = await SendAsync(client, HttpMethod.Post, Route(Topic, "flow") + "/pause");
        pauseResponse.Dispose();
        Assert.Equal((HttpStatusCode.OK, "paused"), (paused, pausedBody.GetProperty("status").GetString()));
        var waiting = await PublishAsync(client, Topic, new { n = 3 }, "order.shipped");
        await Task.Delay(1500);
        Assert.Single(Receiver["flow"].Received);

        using (var resumed = await client.PostAsync(Route(Topic, "flow") + "/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }
        Assert.Equal(waiting, (await Receiver["flow"].WaitForAsync(2, Patience))[1].MessageId);
        await Task.Delay(500);
        Assert.Equal(2, Receiver["flow"].Received.Count);
    }

    [Fact]
    public async Task A_rotated_secret_signs_beside_the_old_one_for_the_grace_period_then_alone()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        var old = Receiver.Trust(await CreateAsync(client, Topic, new { name = "rotating", url = Receiver.UrlOf("rotating") }));

        var (status, rotated, response) = await SendAsync(client, HttpMethod.Post, Route(Topic, "rotating") + "/secret/rotate", new { gracePeriodSeconds = 4 });
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        var fresh = Receiver.Trust(rotated.GetProperty("secret").GetString()!);
        Assert.NotEqual(old, fresh);
        Assert.True(rotated.TryGetProperty("previousSecretExpiresAt", out _));

        await PublishAsync(client, Topic, new { n = 1 }, "order.created");
        var during = (await Receiver["rotating"].WaitForAsync(1, Patience))[0];
        await Task.Delay(TimeSpan.FromSeconds(5));
        await PublishAsync(client, Topic, new { n = 2 }, "order.created");
        var after = (await Receiver["rotating"].WaitForAsync(2, Patience))[1];

        Assert.Equal(2, during.Headers["webhook-signature"].Split(' ').Length);
        Assert.True(SignedWith(during, old) && SignedWith(during, fresh), "during the grace period both secrets must verify");
        Assert.Single(after.Headers["webhook-signature"].Split(' '));
        Assert.True(SignedWith(after, fresh) && !SignedWith(after, old), "after the grace period only the new secret may verify");
    }

    [Fact]
    public async Task A_subscription_made_through_the_API_and_its_pause_outlive_a_restart()
    {
        string secret;
        await using (var first = await StartBridgeAsync(Topology()))
        {
            using var client = first.CreateClient();
            secret = Receiver.Trust(await CreateAsync(client, Topic, new { name = "durable", url = Receiver.UrlOf("durable") }));
            using var paused = await client.PostAsync(Route(Topic, "durable") + "/pause", null);
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        }

        await using var second = await StartBridgeAsync(Topology());
        using var again = second.CreateClient();
        var waiting = await PublishAsync(again, Topic, new { n = 1 }, "order.created");
        var view = await EventuallyAsync(() => GetJsonAsync(again, Route(Topic, "durable")), v => v.GetProperty("status").GetString() == "paused", "the pause to be taken up");
        Assert.Equal("api", view.GetProperty("source").GetString());
        await Task.Delay(1500);
        Assert.Empty(Receiver["durable"].Received);

        using (var resumed = await again.PostAsync(Route(Topic, "durable") + "/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }
        var received = await Receiver["durable"].WaitForAsync(1, Patience);
        Assert.Equal(waiting, received[0].MessageId);
        Assert.True(SignedWith(received[0], secret));
    }

    private TestTopology Topology() => new TestTopology()
        .Topic(Topic)
        .Subscription(Topic, "audit", Receiver.UrlOf("audit"))
        .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
}

/// <summary>One bridge shared by the refused subscription bodies: each refusal stores nothing.</summary>
public sealed class SubscriptionRefusalFixture : Security.HostileBridge
{
    protected override TestTopology Topology() => new TestTopology()
        .Topic("orders")
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200")
        .With("Bridge:Subscriptions:CreationsPerMinute", "100000");

    protected override Task SeedAsync() => Task.CompletedTask;
}

public sealed class SubscriptionRefusalTests(SubscriptionRefusalFixture fixture) : IClassFixture<SubscriptionRefusalFixture>
{
    public static TheoryData<string, object?> RefusedBodies => new()
    {
        { "no url", new { name = "a" } },
        { "a relative url", new { url = "/hooks/x" } },
        { "an ftp url", new { url = "ftp://files.example.com/in" } },
        { "plain http to a remote host", new { url = "http://hooks.example.com/in" } },
        { "credentials in the url", new { url = "https://user:secret@hooks.example.com/in" } },
        { "a fragment", new { url = "https://hooks.example.com/in#x" } },
        { "an upper-case name", new { name = "Recipe", url = "https://hooks.example.com/in" } },
        { "a 64-character name", new { name = new string('a', 64), url = "https://hooks.example.com/in" } },
        { "zero attempts", new { url = "https://hooks.example.com/in", maxAttempts = 0 } },
        { "a timeout over 300 s", new { url = "https://hooks.example.com/in", timeoutSeconds = 301 } },
        { "concurrency 0", new { url = "https://hooks.example.com/in", concurrency = 0 } },
        { "a reserved filter property", new { url = "https://hooks.example.com/in", filter = new { properties = new Dictionary<string, string> { ["type"] = "x" } } } },
        { "an empty event type", new { url = "https://hooks.example.com/in", filter = new { types = new[] { "" } } } },
        { "a description with a control character", new { url = "https://hooks.example.com/in", description = "a\u0001b" } },
    };

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task A_bad_request_is_refused_with_400_naming_the_field_and_stores_nothing(string what, object? body)
    {
        var before = await fixture.SnapshotAsync();

        var (status, problem, response) = await SendAsync(fixture.Admin, HttpMethod.Post, Route("orders"), body);
        response.Dispose();

        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {(int)status} {problem}");
        Assert.Equal("urn:bridge:problem:invalid-request", ProblemType(problem));
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        await fixture.AssertUnchangedAsync(before, what);
    }
}
