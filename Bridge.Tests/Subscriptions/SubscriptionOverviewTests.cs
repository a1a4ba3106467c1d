using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary><c>GET /api/subscriptions</c>: the overview of every topic's subscriptions, in the per-topic list's representation.</summary>
public sealed class SubscriptionOverviewTests : BridgeTestBase
{
    [Fact]
    public async Task The_overview_lists_every_topic_s_subscriptions_as_the_topic_list_does_with_their_dead_letters_and_only_for_admins()
    {
        Receiver["rejecting"].Decide = (_, _) => 400; // a 4xx that is not retried: dead-lettered at once
        var topology = new TestTopology()
            .Topic("orders").Topic("invoices")
            .Subscription("orders", "audit", Receiver.UrlOf("audit"))
            .Subscription("invoices", "rejecting", Receiver.UrlOf("rejecting"), maxAttempts: 1)
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        await using var bridge = await StartBridgeAsync(topology);
        using var admin = bridge.CreateClient();
        await CreateAsync(admin, "orders", new { name = "flow", url = Receiver.UrlOf("flow"), description = "orders to a recipe" });
        await PublishAsync(admin, "invoices", new { n = 1 }, "invoice.created");

        var overview = await EventuallyAsync(
            () => GetJsonAsync(admin, "/api/subscriptions"),
            o => Item(o, "invoices", "rejecting").GetProperty("deadLetterCount").GetInt64() == 1,
            "the rejected event's dead letter in the overview");

        var items = overview.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(
            [("invoices", "rejecting", "configuration"), ("orders", "audit", "configuration"), ("orders", "flow", "api")],
            items.Select(i => (i.GetProperty("topic").GetString(), i.GetProperty("name").GetString(), i.GetProperty("source").GetString())));
        Assert.All(items, i => Assert.False(i.TryGetProperty("secret", out _), "a secret is returned only by a create or a rotation"));
        Assert.Equal(0, Item(overview, "orders", "flow").GetProperty("deadLetterCount").GetInt64());
        Assert.Equal("active", Item(overview, "orders", "flow").GetProperty("status").GetString());
        var backlog = Item(overview, "invoices", "rejecting").GetProperty("backlog");
        Assert.Equal(
            (0L, 0L, 0, 1L),
            (backlog.GetProperty("pending").GetInt64(), backlog.GetProperty("held").GetInt64(), backlog.GetProperty("inFlight").GetInt32(), backlog.GetProperty("deadLettered").GetInt64()));

        // Each item is the topic list's item, field for field, plus its dead-letter count and backlog.
        var topicList = await GetJsonAsync(admin, Route("orders"));
        foreach (var listed in topicList.GetProperty("items").EnumerateArray())
        {
            var same = Item(overview, "orders", listed.GetProperty("name").GetString()!);
            Assert.Equal(
                Fields(listed).Append("deadLetterCount").Append("backlog").Order(StringComparer.Ordinal),
                Fields(same).Order(StringComparer.Ordinal));
            foreach (var field in Fields(listed))
            {
                Assert.Equal(listed.GetProperty(field).GetRawText(), same.GetProperty(field).GetRawText());
            }
        }

        // Only an admin sees every subscription: a subscribe key is refused, an anonymous caller is asked to sign in.
        await CreatePublisherAsync(admin, "recipes", ["subscribe:orders"]);
        var (_, key) = await IssueKeyAsync(admin, "recipes");
        using var subscriber = bridge.CreateAnonymousClient();
        subscriber.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var refused = await subscriber.GetAsync("/api/subscriptions");
        using var anonymous = await bridge.CreateAnonymousClient().GetAsync("/api/subscriptions");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static JsonElement Item(JsonElement overview, string topic, string name) =>
        overview.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("topic").GetString() == topic && i.GetProperty("name").GetString() == name);

    private static IEnumerable<string> Fields(JsonElement item) => item.EnumerateObject().Select(p => p.Name);
}
