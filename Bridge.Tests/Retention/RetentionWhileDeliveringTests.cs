using System.Collections.Concurrent;
using System.Globalization;
using Bridge.Tests.Support;

namespace Bridge.Tests.Retention;

/// <summary>Retention in a running bridge on SQLite: pruning goes on beside publishing and delivery.</summary>
public sealed class RetentionWhileDeliveringTests : BridgeTestBase
{
    private static readonly string[] Tables = ["events", "delivery_attempts", "deliveries"];
    private long _published;

    [Fact]
    public async Task Pruning_every_second_while_a_steady_stream_is_delivered_keeps_the_store_bounded_and_loses_nothing_at_the_receiver()
    {
        var topology = new TestTopology()
            .Subscription("orders", "erp", Receiver.UrlOf("erp"))
            .With("Bridge:Store:Retention:Events", "00:00:02")
            .With("Bridge:Store:Retention:Interval", "00:00:01")
            .With("Bridge:Store:Retention:BatchSize", "50")
            .With("Bridge:Store:Retention:BatchPause", "00:00:00.010");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        // Publish for 12 s while sampling the row counts; the second half must not have grown past what a few seconds hold.
        var samples = new ConcurrentQueue<(TimeSpan At, long Published, long[] Rows)>();
        var published = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                samples.Enqueue((clock.Elapsed, Volatile.Read(ref _published), Tables.Select(Count).ToArray()));
                await Task.Delay(250, CancellationToken.None);
            }
        }, CancellationToken.None);
        while (clock.Elapsed < TimeSpan.FromSeconds(12))
        {
            published.Add(await PublishAsync(client, "orders", new { n = published.Count }, "order.created"));
            Interlocked.Increment(ref _published);
            await Task.Delay(15, TestContext.Current.CancellationToken);
        }
        await stop.CancelAsync();
        await sampler;

        var received = await EventuallyAsync(
            () => Task.FromResult(Receiver["erp"].Received.Select(r => r.Json.GetProperty("id").GetString()!).ToHashSet(StringComparer.Ordinal)),
            ids => ids.Count >= published.Count, "every published event at the receiver");
        Assert.True(received.SetEquals(published), $"{published.Except(received).Count()} published event(s) never arrived.");

        var late = samples.Where(s => s.At > TimeSpan.FromSeconds(6)).ToList();
        Assert.NotEmpty(late);
        for (var t = 0; t < Tables.Length; t++)
        {
            var peak = late.Max(s => s.Rows[t]);
            Assert.True(peak < published.Count * 6 / 10,
                $"{Tables[t]} held up to {peak} rows in the last 6 s of {published.Count} published (samples: " +
                string.Join(", ", samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.At.TotalSeconds:F1}s {s.Published}/{s.Rows[t]}"))) + ")");
        }

        // Once the stream stops, everything older than two seconds goes.
        await EventuallyAsync(() => Task.FromResult(Tables.Sum(Count)), rows => rows == 0, "every audit row pruned");
    }

    private long Count(string table) => Convert.ToInt64(QueryFile("bridge.db", $"SELECT COUNT(*) FROM {table}"), CultureInfo.InvariantCulture);
}
