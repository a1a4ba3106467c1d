using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Endpoints;

/// <summary>Circuit breaker, automatic and manual pause, rate limit: a real bridge process against a real receiver.</summary>
public sealed class EndpointProtectionTests : BridgeTestBase
{
    private const string Topic = "orders";

    [Fact]
    public async Task Open_circuit_stops_calls_keeps_envelopes_out_of_dead_letters_and_delivers_them_in_order_once_the_endpoint_is_back()
    {
        var hook = Receiver["down"];
        hook.DefaultStatus = 503;
        var topology = Protected("down", maxAttempts: 2, concurrency: 1)
            .With(Key("down", "CircuitBreaker:MinimumThroughput"), "2")
            .With(Key("down", "CircuitBreaker:BreakDuration"), "00:00:01")
            .With(Key("down", "PauseAfterConsecutiveFailures"), "0");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var published = await PublishKeyedAsync(client, "customer-1", 5);
        await EventuallyAsync(() => EndpointAsync(client, "down"), e => e.GetProperty("circuit").GetString() == "open", "the circuit to open");

        // Open: one probe per break (1 s), not a retry storm; nothing is dead-lettered although MaxAttempts is 2.
        var before = hook.Received.Count;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var during = hook.Received.Count - before;
        Assert.InRange(during, 1, 5);
        Assert.Equal(0, (await DeadLettersAsync(client, Topic, "down")).GetProperty("items").GetArrayLength());

        hook.DefaultStatus = 200;
        await WaitDeliveredAsync(hook, published);
        await EventuallyAsync(() => EndpointAsync(client, "down"), e => e.GetProperty("circuit").GetString() == "closed", "the circuit to close");
        AssertCallsInOrder(published, hook.Received);
        Assert.Equal(0, (await DeadLettersAsync(client, Topic, "down")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_envelope_that_always_fails_cannot_hold_the_others_back_through_the_probes()
    {
        var hook = Receiver["picky"];
        hook.DefaultStatus = 503;
        string? bad = null;
        var topology = Protected("picky", maxAttempts: 5, concurrency: 1)
            .With(Key("picky", "CircuitBreaker:MinimumThroughput"), "2")
            .With(Key("picky", "CircuitBreaker:BreakDuration"), "00:00:00.500")
            .With(Key("picky", "PauseAfterConsecutiveFailures"), "0");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        bad = Guid.NewGuid().ToString("N");
        await PublishAsync(client, Topic, new { i = -1 }, "order.created", new Dictionary<string, string> { ["ce-id"] = bad });
        var good = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            good.Add(await PublishAsync(client, Topic, new { i }, "order.created"));
        }
        await EventuallyAsync(() => EndpointAsync(client, "picky"), e => e.GetProperty("circuit").GetString() == "open", "the circuit to open");

        // The endpoint comes back for every envelope but the first in line. Were a failed probe's envelope offered again
        // at once, every probe would take it, fail, and the circuit would never close.
        hook.Decide = (request, _) => request.MessageId == bad ? 500 : null;
        hook.DefaultStatus = 200;
        await WaitDeliveredAsync(hook, good);
        Assert.True(hook.Received.Count(r => r.MessageId == bad) >= 2, "the failing envelope was tried again");
    }

    [Fact]
    public async Task A_run_of_failures_pauses_the_endpoint_and_a_successful_probe_resumes_it()
    {
        var hook = Receiver["flaky"];
        hook.DefaultStatus = 500;
        var topology = Protected("flaky", maxAttempts: 5, concurrency: 2)
            .With(Key("flaky", "CircuitBreaker:MinimumThroughput"), "1000")
            .With(Key("flaky", "PauseAfterConsecutiveFailures"), "3")
            .With(Key("flaky", "ProbeInterval"), "00:00:01");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var published = await PublishKeyedAsync(client, "customer-7", 4);
        var paused = await EventuallyAsync(() => EndpointAsync(client, "flaky"), e => e.GetProperty("paused").GetBoolean(), "the automatic pause");
        Assert.Equal("automatic", paused.GetProperty("pauseMode").GetString());
        Assert.Equal("bridge", paused.GetProperty("pausedBy").GetString());
        Assert.Contains("3 failed calls in a row", paused.GetProperty("pauseReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, paused.GetProperty("nextProbeAt").ValueKind);

        var before = hook.Received.Count;
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.InRange(hook.Received.Count - before, 1, 5);
        Assert.Equal(0, (await DeadLettersAsync(client, Topic, "flaky")).GetProperty("items").GetArrayLength());

        hook.DefaultStatus = 200;
        await WaitDeliveredAsync(hook, published);
        var resumed = await EventuallyAsync(() => EndpointAsync(client, "flaky"), e => !e.GetProperty("paused").GetBoolean(), "the probe to resume it");
        Assert.Equal(0, resumed.GetProperty("consecutiveFailures").GetInt32());
        AssertCallsInOrder(published, hook.Received);
    }

    [Fact]
    public async Task Paused_endpoint_holds_envelopes_until_resumed_then_delivers_them_in_order_per_key()
    {
        var hook = Receiver["crm"];
        await using var bridge = await StartBridgeAsync(Protected("crm", maxAttempts: 3, concurrency: 4));
        using var client = bridge.CreateClient();

        using (var pause = await client.PostAsJsonAsync($"/api/topics/{Topic}/subscriptions/crm/endpoint/pause", new { reason = "CRM maintenance until 22:00" }))
        {
            Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
            var view = JsonDocument.Parse(await pause.Content.ReadAsStringAsync()).RootElement;
            Assert.True(view.GetProperty("paused").GetBoolean());
            Assert.Equal("manual", view.GetProperty("pauseMode").GetString());
            Assert.Equal("CRM maintenance until 22:00", view.GetProperty("pauseReason").GetString());
        }

        var first = await PublishKeyedAsync(client, "customer-1", 6);
        var second = await PublishKeyedAsync(client, "customer-2", 6);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(hook.Received);
        var listed = await GetJsonAsync(client, "/api/endpoints");
        Assert.True(listed.EnumerateArray().Single(e => e.GetProperty("subscription").GetString() == "crm").GetProperty("paused").GetBoolean());

        using (var resume = await client.PostAsync($"/api/topics/{Topic}/subscriptions/crm/endpoint/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        }

        await WaitDeliveredAsync(hook, [.. first, .. second]);
        AssertCallsInOrder(first, hook.Received);
        AssertCallsInOrder(second, hook.Received);
        Assert.Equal(12, hook.Received.Count);
    }

    [Fact]
    public async Task Endpoint_routes_answer_problem_details_for_an_unknown_subscription()
    {
        await using var bridge = await StartBridgeAsync(Protected("crm", maxAttempts: 3, concurrency: 1));
        using var client = bridge.CreateClient();

        using var response = await client.PostAsync($"/api/topics/{Topic}/subscriptions/nope/endpoint/pause", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:bridge:problem:unknown-subscription", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Rate_limit_spaces_the_calls_to_an_endpoint()
    {
        var hook = Receiver["slow-partner"];
        var topology = Protected("slow-partner", maxAttempts: 3, concurrency: 8).With(Key("slow-partner", "RateLimitPerSecond"), "5");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var published = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            published.Add(await PublishAsync(client, Topic, new { i }, "order.created"));
        }

        var requests = await hook.WaitForAsync(16, Patience);
        // When each call started, as the bridge recorded it (arrivals at a busy receiver can bunch up). The first calls
        // of a fresh process can start late while its code warms up, so measure the last 12: at 5 a second they start
        // over at least 2.2 s (allow for scheduling slack).
        var starts = new List<DateTimeOffset>();
        foreach (var id in published)
        {
            var attempts = await EventuallyAsync(() => AttemptsAsync(client, id), a => a.GetArrayLength() > 0, "the attempt record");
            starts.Add(attempts[0].GetProperty("startedAt").GetDateTimeOffset());
        }
        var warm = starts.Order().Skip(4).ToList();
        var span = warm[^1] - warm[0];
        Assert.True(span >= TimeSpan.FromSeconds(2), $"12 calls at 5/s started within {span.TotalSeconds:0.00} s");
        Assert.Equal(published.Order(StringComparer.Ordinal), requests.Select(r => r.MessageId).Order(StringComparer.Ordinal));
    }

    private TestTopology Protected(string name, int maxAttempts, int concurrency) =>
        new TestTopology().Subscription(Topic, name, Receiver.UrlOf(name), maxAttempts: maxAttempts, concurrency: concurrency)
            .With(Key(name, "CircuitBreaker:SamplingDuration"), "00:00:10");

    private static string Key(string subscription, string setting) => $"Bridge:Topics:{Topic}:Subscriptions:{subscription}:Webhook:{setting}";

    private static async Task<List<string>> PublishKeyedAsync(HttpClient client, string key, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await PublishAsync(client, Topic, new { key, i }, "order.created", new Dictionary<string, string> { ["ce-partitionkey"] = key }));
        }
        return ids;
    }

    private static Task<JsonElement> EndpointAsync(HttpClient client, string subscription) =>
        GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/{subscription}/endpoint");

    /// <summary>Waits until the hook answered 2xx to every id: the last call of each id came after the hook was healthy.</summary>
    private static async Task WaitDeliveredAsync(WebhookReceiver.Hook hook, IReadOnlyCollection<string> ids, int? healthySince = null)
    {
        var clock = Stopwatch.StartNew();
        var since = healthySince ?? hook.Received.Count;
        while (!ids.All(id => hook.Received.Skip(since).Any(r => r.MessageId == id)))
        {
            Assert.True(clock.Elapsed < Patience, $"Not every envelope reached the healthy endpoint within {Patience}.");
            await Task.Delay(100);
        }
    }

    /// <summary>The calls for <paramref name="ids"/> (one key), repeats collapsed, came in publish order: no envelope overtook another.</summary>
    private static void AssertCallsInOrder(IReadOnlyList<string> ids, IReadOnlyList<ReceivedRequest> requests)
    {
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var sequence = new List<string>();
        foreach (var id in requests.Select(r => r.MessageId).Where(wanted.Contains))
        {
            if (sequence.Count == 0 || sequence[^1] != id)
            {
                sequence.Add(id);
            }
        }
        Assert.Equal(ids, sequence);
    }
}
