using System.Diagnostics;
using System.Text.Json;

namespace Bridge.Tests.Replay;

/// <summary>Replay jobs on the embedded broker: bulk with progress, order, filter, cancel, restart.</summary>
public sealed class ReplayJobTests : ReplayTestBase
{
    [Fact]
    public async Task A_bulk_replay_of_1000_dead_letters_completes_with_visible_progress_and_no_duplicates()
    {
        var hook = Receiver["bulk"];
        var fixedUp = false;
        hook.Decide = (_, _) => fixedUp ? 200 : 400;
        await using var bridge = await StartBridgeAsync(Topology("bulk", concurrency: 16));
        using var client = bridge.CreateClient();
        var ids = await PublishBatchAsync(client, Enumerable.Range(0, 1000).Select(i => new { type = "order.created", data = new { i } }));
        await hook.WaitForAsync(1000, Patience);
        await WaitForDeadLettersAsync(client, "bulk", 1000);
        fixedUp = true;

        var clock = Stopwatch.StartNew();
        var job = await StartJobAsync(client, "bulk", new { ratePerSecond = 400 });
        var id = job.GetProperty("id").GetString()!;
        var seen = new List<JsonElement>();
        var done = await EventuallyAsync(async () =>
        {
            var now = await JobAsync(client, id);
            seen.Add(now);
            return now;
        }, j => j.GetProperty("status").GetString() is "Completed" or "Failed" or "Cancelled", "the bulk job to end");
        var elapsed = clock.Elapsed;
        await hook.WaitForAsync(2000, Patience);
        TestContext.Current.TestOutputHelper?.WriteLine($"1,000 dead letters replayed at 400/s in {elapsed.TotalSeconds:0.0} s; delivered after {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(1000, done.GetProperty("total").GetInt32());
        Assert.Equal(1000, done.GetProperty("replayed").GetInt32());
        Assert.Equal(0, done.GetProperty("skipped").GetInt32());
        Assert.Equal(0, done.GetProperty("failed").GetInt32());
        Assert.Equal(100.0, done.GetProperty("percent").GetDouble());
        Assert.Contains(seen, j => j.GetProperty("replayed").GetInt32() is > 0 and < 1000 && j.GetProperty("status").GetString() == "Running");
        Assert.True(elapsed >= TimeSpan.FromSeconds(2), $"1,000 dead letters at 400/s took only {elapsed}.");

        await Task.Delay(300); // nothing more may arrive
        var calls = hook.Received.GroupBy(r => r.MessageId).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.Equal(ids.Order(StringComparer.Ordinal), calls.Keys.Order(StringComparer.Ordinal));
        Assert.All(calls, c => Assert.Equal(2, c.Value)); // rejected once, delivered once after the fix
        Assert.Empty(await DeadLetterIdsAsync(client, "bulk"));
        Assert.Equal(1000L, QueryFile("bridge.db", $"SELECT COUNT(DISTINCT MessageId) FROM replays WHERE JobId = '{id}'"));
    }

    [Fact]
    public async Task A_replay_job_takes_only_what_its_filter_selects_and_keeps_per_key_order()
    {
        var hook = Receiver["keyed"];
        var rejecting = true;
        hook.Decide = (_, _) => rejecting ? 422 : null;
        await using var bridge = await StartBridgeAsync(Topology("keyed", concurrency: 4));
        using var client = bridge.CreateClient();
        var events = Enumerable.Range(0, 15).Select(i => (object)new { type = "order.updated", orderingKey = "customer-" + (i % 3), data = new { i } })
            .Append(new { type = "order.noted", orderingKey = "customer-0", data = new { i = 99 } });
        var ids = await PublishBatchAsync(client, events);
        await WaitForDeadLettersAsync(client, "keyed", 16);
        rejecting = false;
        var before = hook.Received.Count;

        var job = await StartJobAsync(client, "keyed", new { filter = new { type = "order.updated" }, ratePerSecond = 60 });
        var done = await WaitForJobToEndAsync(client, job.GetProperty("id").GetString()!);

        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(15, done.GetProperty("replayed").GetInt32());
        Assert.Equal("order.updated", done.GetProperty("filter").GetProperty("types")[0].GetString());
        Assert.Equal([ids[15]], await DeadLetterIdsAsync(client, "keyed"));
        await EventuallyAsync(() => Task.FromResult(hook.Received.Count - before), n => n >= 15, "15 replayed deliveries");
        var replayed = hook.Received.Skip(before).Select(r => r.MessageId).ToList();
        for (var key = 0; key < 3; key++)
        {
            var expected = ids.Take(15).Where((_, i) => i % 3 == key).ToList();
            Assert.Equal(expected, replayed.Where(expected.Contains).ToList());
        }
    }

    [Fact]
    public async Task A_cancelled_job_stops_and_an_ended_job_cannot_be_cancelled()
    {
        Receiver["slow"].DefaultStatus = 400;
        await using var bridge = await StartBridgeAsync(Topology("slow"));
        using var client = bridge.CreateClient();
        await PublishBatchAsync(client, Enumerable.Range(0, 30).Select(i => new { type = "order.created", data = new { i } }));
        await WaitForDeadLettersAsync(client, "slow", 30);

        var id = (await StartJobAsync(client, "slow", new { ratePerSecond = 2 })).GetProperty("id").GetString()!;
        await EventuallyAsync(() => JobAsync(client, id), j => j.GetProperty("replayed").GetInt32() >= 1, "the job to replay something");
        using (var cancel = await client.PostAsync($"/api/replay-jobs/{id}/cancel", null))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, cancel.StatusCode);
        }

        var cancelled = await JobAsync(client, id);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.True(cancelled.TryGetProperty("completedAt", out var at) && at.ValueKind != JsonValueKind.Null);
        await Task.Delay(1000); // two batches' time at 2/s
        var settled = (await JobAsync(client, id)).GetProperty("replayed").GetInt32();
        // The batch in flight may still finish, and the count read at cancel time may not include the last one yet ...
        Assert.InRange(settled, 1, cancelled.GetProperty("replayed").GetInt32() + 2);
        // ... but after that nothing more: three more batches' time at 2/s without one replay.
        await Task.Delay(1500);
        Assert.Equal(settled, (await JobAsync(client, id)).GetProperty("replayed").GetInt32());
        Assert.Equal((409, "urn:bridge:problem:replay-job-ended"), await PostAsync(client, $"/api/replay-jobs/{id}/cancel", null));
        Assert.Equal((404, "urn:bridge:problem:replay-job-not-found"), await PostAsync(client, "/api/replay-jobs/rj_unknown/cancel", null));

        var listed = await GetJsonAsync(client, "/api/replay-jobs?subscription=slow&status=cancelled");
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty((await GetJsonAsync(client, "/api/replay-jobs?subscription=slow&status=Completed")).GetProperty("items").EnumerateArray());
        Assert.Equal((400, "urn:bridge:problem:invalid-request"), await GetStatusAsync(client, "/api/replay-jobs?status=done"));
    }

    [Fact]
    public async Task A_job_running_when_the_bridge_stops_resumes_after_the_restart_and_skips_what_left_the_queue()
    {
        var hook = Receiver["resumed"];
        var fixedUp = false;
        hook.Decide = (_, _) => fixedUp ? 200 : 400;
        var topology = Topology("resumed");
        var bridge = await StartBridgeAsync(topology);
        IReadOnlyList<string> ids;
        string id;
        string purged;
        try
        {
            using var client = bridge.CreateClient();
            ids = await PublishBatchAsync(client, Enumerable.Range(0, 20).Select(i => new { type = "order.created", data = new { i } }));
            var queued = await WaitForDeadLettersAsync(client, "resumed", 20);
            // The job replays in queue order, and deliveries dead-letter concurrently: the last in the queue is the one
            // whose turn comes last, whatever order the events were published in.
            purged = queued[^1];
            fixedUp = true;
            id = (await StartJobAsync(client, "resumed", new { ratePerSecond = 2 })).GetProperty("id").GetString()!;
            await EventuallyAsync(() => JobAsync(client, id), j => j.GetProperty("replayed").GetInt32() >= 3, "the job to be under way");
            using (var purge = await client.DeleteAsync($"/api/topics/{Topic}/subscriptions/resumed/dead-letters/{purged}"))
            {
                Assert.Equal(System.Net.HttpStatusCode.NoContent, purge.StatusCode); // leaves the queue before its turn
            }
            await bridge.StopAsync();
        }
        finally
        {
            await bridge.DisposeAsync();
        }

        await using var restarted = await StartBridgeAsync(topology);
        using var again = restarted.CreateClient();
        var done = await WaitForJobToEndAsync(again, id);

        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(20, done.GetProperty("total").GetInt32());
        Assert.Equal(19, done.GetProperty("replayed").GetInt32());
        Assert.Equal(1, done.GetProperty("skipped").GetInt32());
        await restarted.WaitForOutputAsync($"Replay job {id} of orders/resumed started \\(resumed\\)", Patience);
        var delivered = await EventuallyAsync(
            () => Task.FromResult(hook.Received.GroupBy(r => r.MessageId).Where(g => g.Count() >= 2).Select(g => g.Key).ToList()),
            d => d.Count >= 19, "19 deliveries after the fix"); // rejected once, delivered once
        Assert.Equal(ids.Where(i => i != purged).Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
        Assert.Empty(await DeadLetterIdsAsync(again, "resumed"));
    }
}
