using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Recovery;

/// <summary>Recovery jobs on the embedded broker: what a subscription delivered in a window is sent again, in key order, with the same webhook-id.</summary>
public sealed class RecoveryJobTests : RecoveryTestBase
{
    [Fact]
    public async Task Recovery_by_time_range_delivers_exactly_the_delivered_events_in_range_in_key_order_with_the_same_webhook_id()
    {
        var hook = Receiver["recipe"];
        hook.Decide = (request, _) => Rejects(request) ? 400 : null;
        await using var bridge = await StartBridgeAsync(Topology("recipe"));
        using var client = bridge.CreateClient();

        var before = await PublishBatchAsync(client, Events(["k0", "k1", "k0", "k1"]));
        await WaitForDeliveriesAsync("recipe", 4);
        await Task.Delay(20);
        var from = DateTimeOffset.UtcNow;
        await Task.Delay(20);

        // In the window: 12 events over three keys; two are refused and dead-lettered, so they were never delivered.
        var keys = Enumerable.Range(0, 12).Select(i => "k" + (i % 3)).ToList();
        var inRange = await PublishBatchAsync(client, Events(keys, first: 100, reject: i => i is 104 or 109));
        await WaitForDeadLettersAsync(client, "recipe", 2);
        await WaitForDeliveriesAsync("recipe", 14);
        await Task.Delay(20);
        var to = DateTimeOffset.UtcNow;
        await Task.Delay(20);

        var after = await PublishBatchAsync(client, Events(["k0", "k1", "k2"], first: 200));
        await WaitForDeliveriesAsync("recipe", 17);
        var seen = hook.Received.Count;

        var job = await StartRecoveryAsync(client, "recipe", new { from = Rfc3339(from), to = Rfc3339(to), ratePerSecond = 100 });
        Assert.Equal("Queued", job.GetProperty("status").GetString());
        var done = await WaitForRecoveryToEndAsync(client, job.GetProperty("id").GetString()!);

        var delivered = inRange.Where((_, i) => i is not 4 and not 9).ToList();
        var keyOf = inRange.Select((id, i) => (id, keys[i])).ToDictionary(p => p.id, p => p.Item2, StringComparer.Ordinal);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(10, done.GetProperty("selected").GetInt32());
        Assert.Equal(10, done.GetProperty("sent").GetInt32());
        Assert.Equal(0, done.GetProperty("failed").GetInt32());
        Assert.Equal(0, done.GetProperty("skipped").GetInt32());
        Assert.Equal(100.0, done.GetProperty("percent").GetDouble());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("url").ValueKind);

        await Task.Delay(300); // nothing more may arrive
        var recovered = hook.Received.Skip(seen).ToList();
        Assert.Equal(delivered.Order(StringComparer.Ordinal), recovered.Select(r => r.MessageId).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(recovered, r => before.Contains(r.MessageId) || after.Contains(r.MessageId));
        for (var key = 0; key < 3; key++)
        {
            var ofKey = delivered.Where(id => keyOf[id] == "k" + key).ToList();
            Assert.Equal(ofKey, recovered.Select(r => r.MessageId).Where(ofKey.Contains).ToList()); // acceptance order within the key
        }
        Assert.All(recovered, r =>
        {
            Assert.True(OfficialDeliveryCheck.SignedWith(r.Headers, r.Body, TestTopology.Secret));
            Assert.Equal(r.MessageId, r.CloudEvent.Id); // webhook-id is the envelope id, as on the first delivery
            Assert.Contains(hook.Received.Take(seen), first => first.MessageId == r.MessageId);
        });
        Assert.Equal(10L, QueryFile("bridge.db", $"SELECT COUNT(DISTINCT MessageId) FROM replays WHERE JobId = '{job.GetProperty("id").GetString()}'"));
        var timeline = await GetJsonAsync(client, $"/api/events/{delivered[0]}/timeline");
        Assert.Contains(job.GetProperty("id").GetString()!, timeline.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recovery_to_a_corrected_url_calls_only_that_url_signed_with_the_subscriptions_secret()
    {
        await using var bridge = await StartBridgeAsync(Topology("stopped"));
        using var client = bridge.CreateClient();
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ids = await PublishBatchAsync(client, Events(["a", "b", "a", "b", "a"]));
        await WaitForDeliveriesAsync("stopped", 5);
        var seen = Receiver["stopped"].Received.Count;

        var target = Receiver.UrlOf("fixed");
        var job = await StartRecoveryAsync(client, "stopped", new { from = Rfc3339(from), url = target.ToString(), ratePerSecond = 50 });
        var done = await WaitForRecoveryToEndAsync(client, job.GetProperty("id").GetString()!);

        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(5, done.GetProperty("sent").GetInt32());
        Assert.Equal(target.ToString(), done.GetProperty("url").GetString());
        Assert.Equal(Rfc3339(from), Rfc3339(done.GetProperty("selection").GetProperty("from").GetDateTimeOffset()));
        var received = Receiver["fixed"].Received;
        Assert.Equal(ids, received.Select(r => r.MessageId)); // one key after the other as accepted, so per-key order too
        Assert.All(received, r => Assert.True(OfficialDeliveryCheck.SignedWith(r.Headers, r.Body, TestTopology.Secret)));
        Assert.Equal(seen, Receiver["stopped"].Received.Count); // nothing went to the subscription's own webhook
        Assert.Equal(5L, QueryFile("bridge.db", $"SELECT COUNT(*) FROM replays WHERE JobId = '{job.GetProperty("id").GetString()}' AND RequestedBy LIKE '%{target}'"));
    }

    [Fact]
    public async Task A_topic_recovery_makes_one_job_per_push_subscription_and_a_failing_call_holds_back_its_key()
    {
        var topology = Topology("first", topology: Topology("second"))
            .With($"Bridge:Topics:{Topic}:Subscriptions:agent:Delivery", "pull");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ids = await PublishBatchAsync(client, Events(["x", "y", "x", "y"]));
        await WaitForDeliveriesAsync("first", 4);
        await WaitForDeliveriesAsync("second", 4);
        Receiver["second"].Decide = (request, _) => request.MessageId == ids[0] ? 503 : null; // the first of key x fails
        var seen = (First: Receiver["first"].Received.Count, Second: Receiver["second"].Received.Count);

        using var response = await client.PostAsync($"/api/topics/{Topic}/recovery-jobs",
            new StringContent($$"""{ "from": "{{Rfc3339(from)}}", "ratePerSecond": 100 }""", Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal($"/api/recovery-jobs?topic={Topic}", response.Headers.Location?.ToString());
        var jobs = body.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(["first", "second"], jobs.Select(j => j.GetProperty("subscription").GetString()));

        var first = await WaitForRecoveryToEndAsync(client, jobs[0].GetProperty("id").GetString()!);
        var second = await WaitForRecoveryToEndAsync(client, jobs[1].GetProperty("id").GetString()!);
        Assert.Equal((4, 0), (first.GetProperty("sent").GetInt32(), first.GetProperty("failed").GetInt32()));
        Assert.Equal((2, 2), (second.GetProperty("sent").GetInt32(), second.GetProperty("failed").GetInt32())); // x failed, the later x held back
        Assert.Equal(ids, Receiver["first"].Received.Skip(seen.First).Select(r => r.MessageId));
        Assert.Equal([ids[0], ids[1], ids[3]], Receiver["second"].Received.Skip(seen.Second).Select(r => r.MessageId));
        var listed = await GetJsonAsync(client, $"/api/recovery-jobs?topic={Topic}");
        Assert.Equal(2, listed.GetProperty("items").GetArrayLength());
        Assert.Empty((await GetJsonAsync(client, "/api/replay-jobs")).GetProperty("items").EnumerateArray()); // each kind lists its own
    }

    [Fact]
    public async Task A_paced_recovery_shows_its_progress_and_stops_when_cancelled()
    {
        await using var bridge = await StartBridgeAsync(Topology("slow"));
        using var client = bridge.CreateClient();
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        await PublishBatchAsync(client, Events(Enumerable.Range(0, 40).Select(i => "k" + (i % 4))));
        await WaitForDeliveriesAsync("slow", 40);
        var seen = Receiver["slow"].Received.Count;

        var job = await StartRecoveryAsync(client, "slow", new { from = Rfc3339(from), ratePerSecond = 4 });
        var id = job.GetProperty("id").GetString()!;
        var running = await EventuallyAsync(() => RecoveryAsync(client, id), j => j.GetProperty("sent").GetInt32() >= 2, "the recovery to send a few");
        Assert.Equal("Running", running.GetProperty("status").GetString());
        Assert.Equal(40, running.GetProperty("selected").GetInt32());
        Assert.InRange(running.GetProperty("percent").GetDouble(), 1, 99);

        Assert.Equal((404, "urn:bridge:problem:replay-job-not-found"), await GetStatusAsync(client, $"/api/replay-jobs/{id}"));
        Assert.Equal((200, null), await PostAsync(client, $"/api/recovery-jobs/{id}/cancel", null));
        var cancelled = await RecoveryAsync(client, id);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal((409, "urn:bridge:problem:recovery-job-ended"), await PostAsync(client, $"/api/recovery-jobs/{id}/cancel", null));

        await Task.Delay(1000);
        var sent = (await RecoveryAsync(client, id)).GetProperty("sent").GetInt32();
        Assert.InRange(sent, 2, 10);
        Assert.InRange(Receiver["slow"].Received.Count - seen, sent, sent + 1); // at most the call under way when it was cancelled
    }

    [Fact]
    public async Task A_recovery_running_when_the_bridge_stops_resumes_after_the_restart_without_sending_twice()
    {
        var hook = Receiver["resumed"];
        var topology = Topology("resumed");
        var bridge = await StartBridgeAsync(topology);
        IReadOnlyList<string> ids;
        string id;
        int seen;
        try
        {
            using var client = bridge.CreateClient();
            var from = DateTimeOffset.UtcNow.AddSeconds(-1);
            ids = await PublishBatchAsync(client, Events(Enumerable.Range(0, 16).Select(i => "k" + (i % 2))));
            await WaitForDeliveriesAsync("resumed", 16);
            seen = hook.Received.Count;
            id = (await StartRecoveryAsync(client, "resumed", new { from = Rfc3339(from), ratePerSecond = 2 })).GetProperty("id").GetString()!;
            await EventuallyAsync(() => RecoveryAsync(client, id), j => j.GetProperty("sent").GetInt32() >= 3, "the recovery to be under way");
            await bridge.StopAsync();
        }
        finally
        {
            await bridge.DisposeAsync();
        }

        await using var restarted = await StartBridgeAsync(topology);
        using var again = restarted.CreateClient();
        var done = await WaitForRecoveryToEndAsync(again, id);

        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(16, done.GetProperty("selected").GetInt32());
        Assert.Equal(16, done.GetProperty("sent").GetInt32());
        await restarted.WaitForOutputAsync($"Recovery job {id} of orders/resumed started \\(resumed\\)", Patience);
        var recovered = hook.Received.Skip(seen).Select(r => r.MessageId).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), recovered.Distinct().Order(StringComparer.Ordinal));
        Assert.InRange(recovered.Count, 16, 17); // at most the call cut off by the stop is made again
        for (var key = 0; key < 2; key++)
        {
            var ofKey = ids.Where((_, i) => i % 2 == key).ToList();
            Assert.Equal(ofKey, recovered.Where(ofKey.Contains).Distinct().ToList());
        }
        Assert.Equal(16L, QueryFile("bridge.db", $"SELECT COUNT(DISTINCT MessageId) FROM replays WHERE JobId = '{id}'"));
    }
}
