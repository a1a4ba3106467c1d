using System.Net;
using System.Text.Json;
using Bridge.Tests.Store;
using Bridge.Tests.Support;

namespace Bridge.Tests.Audit;

/// <summary>The timeline of an envelope through retries, a dead letter and a replay; each store runs it through a subclass.</summary>
public abstract class TimelineBehaviour : AuditTestBase
{
    /// <summary>Settings that put the bridge's store on the store under test.</summary>
    protected abstract Task<TestTopology> OnStoreAsync(TestTopology topology);

    [Fact]
    public async Task The_timeline_shows_retries_the_dead_letter_the_replay_and_the_delivery_in_time_order()
    {
        // Two transient failures, then a refusal: dead-lettered on attempt 3. The receiver answers 200 from then on.
        Receiver["erp"].Answer(503, "busy").Answer(503, "still busy").Answer(400, "unknown customer");
        var topology = await OnStoreAsync(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp"), maxAttempts: 5));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "9" }, "order.created",
            new Dictionary<string, string> { ["X-Correlation-Id"] = "corr-timeline" });
        await EventuallyAsync(() => DeadLettersAsync(client, "orders", "erp"), p => p.GetProperty("items").GetArrayLength() == 1, "the dead letter");
        using (var replay = await client.PostAsync($"/api/topics/orders/subscriptions/erp/dead-letters/{messageId}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }
        await Receiver["erp"].WaitForAsync(4, Patience);

        var timeline = await EventuallyAsync(() => TimelineAsync(client, messageId),
            t => t.GetArrayLength() == 7 && t[6].GetProperty("kind").GetString() == "attempt", "the whole timeline");
        var entries = timeline.EnumerateArray().ToList();
        Assert.Equal(
            ["accepted", "attempt 1 Failed 503", "attempt 2 Failed 503", "attempt 3 Rejected 400", "deadLettered WebhookRejected", "replayed", "attempt 1 Delivered 200"],
            entries.Select(Describe));
        var times = entries.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(entries.Skip(1), e => Assert.Equal("erp", e.GetProperty("subscription").GetString()));
        Assert.Equal("corr-timeline", entries[0].GetProperty("correlationId").GetString());
        Assert.StartsWith("HTTP 503", entries[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("busy", entries[1].GetProperty("responseExcerpt").GetString());
        Assert.True(entries[3].GetProperty("durationMs").GetDouble() > 0);
        Assert.Contains("unknown customer", entries[4].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, entries[4].GetProperty("deliveryCount").GetInt32());
        Assert.Equal("bootstrap", entries[5].GetProperty("requestedBy").GetString()); // the publisher of the key that asked
        Assert.Equal("WebhookRejected", entries[5].GetProperty("deadLetterReason").GetString());

        var delivery = (await EventuallyAsync(() => EventAsync(client, messageId),
            e => e.GetProperty("deliveries").EnumerateArray().Any(d => d.GetProperty("status").GetString() == "Delivered"), "the delivery to end delivered"))
            .GetProperty("deliveries").EnumerateArray().Single();
        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("lastStatusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("lastError").ValueKind);
        Assert.Equal(times[1], delivery.GetProperty("firstAttemptAt").GetDateTimeOffset());
        Assert.Equal(times[6], delivery.GetProperty("lastAttemptAt").GetDateTimeOffset());
        Assert.True(delivery.GetProperty("completedAt").GetDateTimeOffset() >= times[6]);
    }

    private static string Describe(JsonElement entry) => entry.GetProperty("kind").GetString() switch
    {
        "attempt" => $"attempt {entry.GetProperty("attempt").GetInt32()} {entry.GetProperty("outcome").GetString()} {entry.GetProperty("statusCode").GetInt32()}",
        "deadLettered" => $"deadLettered {entry.GetProperty("reason").GetString()}",
        var kind => kind!,
    };
}

/// <summary>The timeline on the default store, a SQLite file.</summary>
public sealed class SqliteTimelineTests : TimelineBehaviour
{
    protected override Task<TestTopology> OnStoreAsync(TestTopology topology) => Task.FromResult(topology);
}

/// <summary>The timeline with the store on PostgreSQL (a database of its own on the run's server).</summary>
public sealed class PostgreSqlTimelineTests : TimelineBehaviour
{
    protected override async Task<TestTopology> OnStoreAsync(TestTopology topology) => topology
        .With("Bridge:Store:Provider", "postgresql")
        .With("ConnectionStrings:bridgedb", await SharedPostgreSql.CreateDatabaseAsync());
}
