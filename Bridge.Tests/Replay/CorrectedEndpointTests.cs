using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Replay;

/// <summary>Replay jobs that deliver dead letters to a corrected endpoint instead of the subscription's webhook.</summary>
public sealed class CorrectedEndpointTests : ReplayTestBase
{
    [Fact]
    public async Task A_job_to_a_corrected_endpoint_delivers_signed_envelopes_there_and_empties_the_queue_while_a_failing_one_leaves_them()
    {
        Receiver["broken"].DefaultStatus = 400;
        Receiver["down"].DefaultStatus = 503;
        await using var bridge = await StartBridgeAsync(Topology("broken"));
        using var client = bridge.CreateClient();
        var ids = await PublishBatchAsync(client, Enumerable.Range(0, 6).Select(i => new { type = "order.created", orderingKey = "k" + (i % 2), data = new { i } }));
        await WaitForDeadLettersAsync(client, "broken", 6);

        var failing = await StartJobAsync(client, "broken", new { ratePerSecond = 100, targetUrl = Receiver.UrlOf("down").ToString() });
        var failed = await WaitForJobToEndAsync(client, failing.GetProperty("id").GetString()!);
        Assert.Equal("Completed", failed.GetProperty("status").GetString());
        Assert.Equal(6, failed.GetProperty("failed").GetInt32());
        Assert.Equal(0, failed.GetProperty("replayed").GetInt32());
        Assert.Equal(2, Receiver["down"].Received.Count); // the first of each key; the rest of the key waits behind it
        Assert.Equal(6, (await DeadLetterIdsAsync(client, "broken")).Count);

        var target = Receiver.UrlOf("fixed");
        var job = await StartJobAsync(client, "broken", new { ratePerSecond = 100, targetUrl = target.ToString() });
        var done = await WaitForJobToEndAsync(client, job.GetProperty("id").GetString()!);

        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(6, done.GetProperty("replayed").GetInt32());
        Assert.Equal(target.ToString(), done.GetProperty("targetUrl").GetString());
        var received = Receiver["fixed"].Received;
        Assert.Equal(ids.Order(StringComparer.Ordinal), received.Select(r => r.MessageId).Order(StringComparer.Ordinal));
        foreach (var key in new[] { 0, 1 })
        {
            var ofKey = ids.Where((_, i) => i % 2 == key).ToList();
            Assert.Equal(ofKey, received.Select(r => r.MessageId).Where(ofKey.Contains)); // dead-letter order, so per-key order
        }
        Assert.All(received, r =>
        {
            Assert.True(OfficialDeliveryCheck.SignedWith(r.Headers, r.Body, TestTopology.Secret));
            Assert.Equal(r.MessageId, r.CloudEvent.Id);
            Assert.Equal("application/cloudevents+json", r.ContentType?.Split(';')[0]);
        });
        Assert.Empty(await DeadLetterIdsAsync(client, "broken"));
        Assert.Equal(6, Receiver["broken"].Received.Count); // nothing went back into the subscription
        var newest = await GetJsonAsync(client, "/api/replay-jobs?subscription=broken&limit=1");
        Assert.Equal(job.GetProperty("id").GetString(), newest.GetProperty("items")[0].GetProperty("id").GetString());
        var older = await GetJsonAsync(client, $"/api/replay-jobs?subscription=broken&limit=1&before={newest.GetProperty("next").GetString()}");
        Assert.Equal(failing.GetProperty("id").GetString(), older.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Empty((await GetJsonAsync(client, $"/api/replay-jobs?subscription=broken&before={failing.GetProperty("id").GetString()}")).GetProperty("items").EnumerateArray());
        Assert.Equal(6L, QueryFile("bridge.db", $"SELECT COUNT(*) FROM replays WHERE JobId = '{job.GetProperty("id").GetString()}' AND RequestedBy LIKE '%{target}'"));
    }

    [Fact]
    public async Task An_invalid_replay_job_is_refused_with_problem_details()
    {
        await using var bridge = await StartBridgeAsync(Topology("any"));
        using var client = bridge.CreateClient();
        string[] invalid =
        [
            """{ "targetUrl": "ftp://example.com/hook" }""",
            """{ "targetUrl": "http://user:secret@example.com/hook" }""",
            """{ "targetUrl": "/relative/hook" }""",
            """{ "ratePerSecond": 0 }""",
            """{ "ratePerSecond": 1000000 }""",
            """{ "filter": { "from": "2025-02-01T00:00:00Z", "to": "2025-01-01T00:00:00Z" } }""",
        ];

        foreach (var body in invalid)
        {
            using var response = await client.PostAsync($"/api/topics/{Topic}/subscriptions/any/replay-jobs", new StringContent(body, Encoding.UTF8, "application/json"));
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(400 == (int)response.StatusCode, $"{body} answered {(int)response.StatusCode}");
            Assert.Equal("urn:bridge:problem:invalid-request", problem.GetProperty("type").GetString());
            Assert.DoesNotContain("user:secret", problem.ToString(), StringComparison.Ordinal);
        }

        using var unknown = await client.PostAsync($"/api/topics/{Topic}/subscriptions/missing/replay-jobs", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Empty((await GetJsonAsync(client, "/api/replay-jobs")).GetProperty("items").EnumerateArray());
    }
}
