using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Bridge.Tests.Support;

namespace Bridge.Tests.Endpoints;

/// <summary>
/// Endpoints that fail a share of their calls at random (each call decided by a seeded random, so the sequence of
/// answers is the same every run) are flaky, not down: with the default circuit breaker and pause, every event is
/// delivered once and in order per key, the circuit stays closed (or opens at most a few times at 60 %), and the time
/// to deliver grows only modestly with the failure rate.
/// </summary>
public sealed class FlakyEndpointTests : BridgeTestBase
{
    private const int Keys = 24;
    private const int EventsPerKey = 10;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_endpoint_failing_20_40_or_60_percent_of_calls_at_random_gets_every_event_once_in_order_per_key_with_the_circuit_closed()
    {
        (string Name, double FailureRate, int MaxOpenings)[] cases = [("flaky-20", 0.2, 0), ("flaky-40", 0.4, 1), ("flaky-60", 0.6, 3)];
        var topology = new TestTopology();
        foreach (var (name, _, _) in cases)
        {
            // Default circuit breaker and pause; enough attempts that 60 % failures at random never exhaust them.
            topology.Subscription(name, name, Receiver.UrlOf(name), maxAttempts: 30, concurrency: 4);
        }

        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var times = new Dictionary<double, TimeSpan>();
        foreach (var (name, failureRate, maxOpenings) in cases)
        {
            var answers = Answer(Receiver[name], failureRate, seed: 20261207);
            var clock = Stopwatch.StartNew();
            var published = await PublishKeyedAsync(client, name);
            await WaitDeliveredAsync(answers, published.SelectMany(k => k.Value));
            times[failureRate] = clock.Elapsed;

            var openings = bridge.Output.Split(Environment.NewLine).Count(l => l.Contains($"Circuit of {name}/{name} opened", StringComparison.Ordinal));
            var calls = answers.ToList();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{failureRate:P0} failures: {Keys * EventsPerKey} events in {clock.Elapsed.TotalSeconds:0.0} s, {calls.Count} calls ({calls.Count(c => c.Status != 200)} failed), circuit opened {openings} time(s)");

            Assert.InRange(openings, 0, maxOpenings);
            Assert.Equal(0, (await DeadLettersAsync(client, name, name)).GetProperty("items").GetArrayLength());
            foreach (var (key, ids) in published)
            {
                // Per key, the calls (repeats of one event collapsed) follow publish order: no event overtook another.
                var wanted = ids.ToHashSet(StringComparer.Ordinal);
                var sequence = new List<string>();
                foreach (var id in calls.Select(c => c.MessageId).Where(wanted.Contains))
                {
                    if (sequence.Count == 0 || sequence[^1] != id)
                    {
                        sequence.Add(id);
                    }
                }

                Assert.True(ids.SequenceEqual(sequence), $"The calls of key {key} left publish order: {string.Join(", ", sequence)}");
            }

            var deliveredTwice = calls.Where(c => c.Status == 200).GroupBy(c => c.MessageId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(deliveredTwice.Count == 0, $"Delivered more than once: {string.Join(", ", deliveredTwice)}");
        }

        // Smooth: three times the failures (20 % to 60 %) costs at most about three times the time, not minutes of breaks.
        Assert.True(times[0.6] < (times[0.2] * 3) + TimeSpan.FromSeconds(5),
            $"20 %: {times[0.2].TotalSeconds:0.0} s, 40 %: {times[0.4].TotalSeconds:0.0} s, 60 %: {times[0.6].TotalSeconds:0.0} s");
    }

    /// <summary>Makes <paramref name="hook"/> fail each call with 503 at <paramref name="failureRate"/>, from a seeded random; returns the answers in the order given.</summary>
    private static ConcurrentQueue<(string MessageId, int Status)> Answer(WebhookReceiver.Hook hook, double failureRate, int seed)
    {
        var answers = new ConcurrentQueue<(string, int)>();
        var random = new Random(seed);
        var gate = new Lock();
        hook.Decide = (request, _) =>
        {
            lock (gate)
            {
                var status = random.NextDouble() < failureRate ? 503 : 200;
                answers.Enqueue((request.MessageId, status));
                return status;
            }
        };
        return answers;
    }

    /// <summary>Publishes <see cref="EventsPerKey"/> events on each of <see cref="Keys"/> ordering keys, the keys side by side; returns the ids per key in publish order.</summary>
    private static async Task<Dictionary<string, List<string>>> PublishKeyedAsync(HttpClient client, string topic)
    {
        var keys = Enumerable.Range(0, Keys).Select(k => "customer-" + k.ToString(CultureInfo.InvariantCulture)).ToList();
        var published = await Task.WhenAll(keys.Select(async key =>
        {
            var ids = new List<string>();
            for (var i = 0; i < EventsPerKey; i++)
            {
                ids.Add(await PublishAsync(client, topic, new { key, i }, "order.created", new Dictionary<string, string> { ["ce-partitionkey"] = key }));
            }

            return (key, ids);
        }));
        return published.ToDictionary(p => p.key, p => p.ids, StringComparer.Ordinal);
    }

    private static async Task WaitDeliveredAsync(ConcurrentQueue<(string MessageId, int Status)> answers, IEnumerable<string> ids)
    {
        var waiting = ids.ToHashSet(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            waiting.ExceptWith(answers.Where(a => a.Status == 200).Select(a => a.MessageId));
            if (waiting.Count == 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < Limit, $"{waiting.Count} event(s) not delivered within {Limit}.");
            await Task.Delay(50);
        }
    }
}
