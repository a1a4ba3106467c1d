using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Audit;

/// <summary>The audit trail of the standalone bridge on SQLite: event records, search, duplicates and bad queries.</summary>
public sealed class AuditTrailTests : AuditTestBase
{
    [Fact]
    public async Task An_accepted_event_is_recorded_with_its_attributes_correlation_id_and_the_envelope_as_delivered()
    {
        var topology = new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "12345", amount = 1500 }, "order.created", new Dictionary<string, string>
        {
            ["ce-subject"] = "orders/12345",
            ["ce-source"] = "/erp/dataverse",
            ["ce-partitionkey"] = "customer-789",
            ["ce-region"] = "eu",
            ["X-Correlation-Id"] = "corr-audit-1",
        });
        var delivered = (await Receiver["erp"].WaitForAsync(1, Patience)).Single();

        var detail = await RecordedEventAsync(client, messageId);
        var recorded = detail.GetProperty("event");
        Assert.Equal(messageId, recorded.GetProperty("messageId").GetString());
        Assert.Equal("orders", recorded.GetProperty("topic").GetString());
        Assert.Equal("order.created", recorded.GetProperty("type").GetString());
        Assert.Equal("/erp/dataverse", recorded.GetProperty("source").GetString());
        Assert.Equal("orders/12345", recorded.GetProperty("subject").GetString());
        Assert.Equal("corr-audit-1", recorded.GetProperty("correlationId").GetString());
        Assert.Equal("customer-789", recorded.GetProperty("orderingKey").GetString());
        Assert.Equal(delivered.Json.GetProperty("time").GetDateTimeOffset(), recorded.GetProperty("time").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.InRange(recorded.GetProperty("acceptedAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.Equal(delivered.Body.Length, recorded.GetProperty("sizeBytes").GetInt32());

        // The stored envelope is the one the receiver got, payload and extensions included.
        var envelope = detail.GetProperty("envelope");
        Assert.Equal(JsonSerializer.Serialize(delivered.Json), JsonSerializer.Serialize(envelope));
        Assert.Equal(1500, envelope.GetProperty("data").GetProperty("amount").GetInt32());
        Assert.Equal("eu", envelope.GetProperty("region").GetString());

        var delivery = (await EventuallyAsync(() => EventAsync(client, messageId), e => e.GetProperty("deliveries").GetArrayLength() == 1, "the delivery record"))
            .GetProperty("deliveries")[0];
        Assert.Equal("erp", delivery.GetProperty("subscription").GetString());
        Assert.Equal("Delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("lastStatusCode").GetInt32());
    }

    [Fact]
    public async Task Every_event_of_a_batch_is_recorded_and_without_KeepPayload_only_its_attributes_are_kept()
    {
        var topology = new TestTopology().Topic("orders").With("Bridge:Store:Audit:KeepPayload", "false");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics/orders/events/batch")
        {
            Content = JsonContent.Create(new object[]
            {
                new { type = "order.created", subject = "orders/1", data = new { n = 1 } },
                new { type = "order.updated", orderingKey = "customer-1", data = new { n = 2 } },
            }),
        };
        request.Headers.Add("X-Correlation-Id", "corr-batch");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!).ToList();

        var first = await RecordedEventAsync(client, ids[0]);
        var second = await RecordedEventAsync(client, ids[1]);
        Assert.Equal("order.created", first.GetProperty("event").GetProperty("type").GetString());
        Assert.Equal("orders/1", first.GetProperty("event").GetProperty("subject").GetString());
        Assert.Equal("customer-1", second.GetProperty("event").GetProperty("orderingKey").GetString());
        Assert.All(new[] { first, second }, e =>
        {
            Assert.Equal("corr-batch", e.GetProperty("event").GetProperty("correlationId").GetString());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("envelope").ValueKind);
            Assert.True(e.GetProperty("event").GetProperty("sizeBytes").GetInt32() > 100);
            Assert.Empty(e.GetProperty("deliveries").EnumerateArray());
        });
    }

    [Fact]
    public async Task Events_are_found_by_correlation_id_topic_type_and_time_in_pages_that_neither_repeat_nor_skip()
    {
        var topology = new TestTopology().Topic("orders").Topic("invoices");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        string[] types = ["thing.created", "thing.updated", "thing.deleted"];

        var published = new List<(string Id, string Topic, string Type, string Correlation)>();
        DateTimeOffset middle = default;
        for (var i = 0; i < 30; i++)
        {
            if (i == 15)
            {
                await Task.Delay(50);
                middle = DateTimeOffset.UtcNow;
                await Task.Delay(50);
            }

            var (topic, type, correlation) = (i % 2 == 0 ? "orders" : "invoices", types[i % 3], $"flow-{i % 4}");
            var id = await PublishAsync(client, topic, new { i }, type, new Dictionary<string, string> { ["X-Correlation-Id"] = correlation });
            published.Add((id, topic, type, correlation));
        }
        await EventuallyAsync(() => GetJsonAsync(client, "/api/events?limit=500"), p => p.GetProperty("items").GetArrayLength() == 30, "30 event records");

        // Newest first, 7 to a page: all 30, each once.
        var newestFirst = published.Select(p => p.Id).Reverse().ToList();
        Assert.Equal(newestFirst, await SearchAllAsync(client, "", 7));

        Assert.Equal(Expected(p => p.Topic == "orders"), await SearchAllAsync(client, "topic=orders", 7));
        Assert.Equal(Expected(p => p.Type == "thing.updated"), await SearchAllAsync(client, "type=thing.updated", 7));
        Assert.Equal(Expected(p => p.Correlation == "flow-1"), await SearchAllAsync(client, "correlationId=flow-1", 7));
        Assert.Equal(Expected(p => p.Topic == "invoices" && p.Type == "thing.created"), await SearchAllAsync(client, "topic=invoices&type=thing.created", 7));

        var at = Uri.EscapeDataString(middle.ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(newestFirst[..15], await SearchAllAsync(client, $"from={at}", 7));
        Assert.Equal(newestFirst[15..], await SearchAllAsync(client, $"to={at}", 7));
        Assert.Equal(
            Expected(p => p.Topic == "orders").Intersect(newestFirst[..15]),
            await SearchAllAsync(client, $"topic=orders&from={at}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture))}", 7));
        Assert.Empty(await SearchAllAsync(client, "correlationId=nobody", 7));

        List<string> Expected(Func<(string Id, string Topic, string Type, string Correlation), bool> match) =>
            [.. published.Where(match).Select(p => p.Id).Reverse()];
    }

    [Fact]
    public async Task A_redelivery_completed_by_dedupe_shows_as_a_Duplicate_attempt()
    {
        var topology = new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var headers = new Dictionary<string, string> { ["ce-id"] = "order-77-created" };

        // The publisher's caller retries with the same id: the subscriber delivers it once and completes the second without a call.
        await PublishAsync(client, "orders", new { orderId = "77" }, "order.created", headers);
        await Receiver["erp"].WaitForAsync(1, Patience);
        await PublishAsync(client, "orders", new { orderId = "77" }, "order.created", headers);

        var timeline = await EventuallyAsync(() => TimelineAsync(client, "order-77-created"),
            // The audit trail is written in the background: wait for both acceptances as well as both attempts.
            t => t.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "attempt") == 2
                && t.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "accepted") == 2, "two acceptances and two attempts");
        Assert.Equal(["accepted", "attempt", "accepted", "attempt"], timeline.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal("Delivered", timeline[1].GetProperty("outcome").GetString());
        Assert.Equal("Duplicate", timeline[3].GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, timeline[3].GetProperty("statusCode").ValueKind);
        Assert.Single(Receiver["erp"].Received);

        var attempts = await AttemptsAsync(client, "order-77-created");
        Assert.Equal(["Delivered", "Duplicate"], attempts.EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        var delivery = (await EventAsync(client, "order-77-created")).GetProperty("deliveries").EnumerateArray().Single();
        Assert.Equal("Delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_bad_search_is_answered_with_400_ProblemDetails_naming_the_parameter()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Topic("orders"));
        using var client = bridge.CreateClient();
        (string Query, string Parameter)[] cases =
        [
            ("limit=0", "limit"),
            ("limit=501", "limit"),
            ("limit=ten", "limit"),
            ("after=-5", "after"),
            ("from=yesterday", "from"),
            ("to=2025-13-45T00:00:00Z", "to"),
            ("from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from"),
        ];

        foreach (var (query, parameter) in cases)
        {
            var (status, problem) = await ProblemAsync(client, "/api/events?" + query);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("urn:bridge:problem:invalid-query", problem.GetProperty("type").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), $"{query}: {problem}");
        }

        Assert.Empty((await GetJsonAsync(client, "/api/events?limit=500&from=2025-01-01T00:00:00Z&to=2025-01-01T00:00:00Z")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_event_is_answered_with_404_ProblemDetails()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Topic("orders"));
        using var client = bridge.CreateClient();

        foreach (var path in new[] { "/api/events/no-such-event", "/api/events/no-such-event/timeline" })
        {
            var (status, problem) = await ProblemAsync(client, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("urn:bridge:problem:event-not-found", problem.GetProperty("type").GetString());
        }
    }
}
