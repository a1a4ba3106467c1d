using Bridge.OpsConsole.Metrics;

namespace Bridge.Tests.OpsConsole;

/// <summary>The console's in-process aggregates: slots per window, reuse as time moves on, latency quantiles.</summary>
public sealed class ConsoleMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_land_in_the_slot_of_their_second_and_an_old_slot_is_emptied_when_its_place_comes_round_again()
    {
        var ring = new MetricRing(MetricWindow.FiveMinutes);
        ring.Add(T0, Measure.Delivered, 3);
        ring.Add(T0.AddMilliseconds(999), Measure.Delivered, 1);
        ring.Add(T0.AddSeconds(1), Measure.Failed, 2);

        var (counts, _) = ring.Read(T0.AddSeconds(1));
        Assert.Equal(300, counts.Length);
        Assert.Equal(4, counts[^2][(int)Measure.Delivered]);
        Assert.Equal(2, counts[^1][(int)Measure.Failed]);

        // 300 s later the same slot serves a new second: the old counts are gone, not added to.
        ring.Add(T0.AddSeconds(300), Measure.Delivered, 7);
        var (later, _) = ring.Read(T0.AddSeconds(300));
        Assert.Equal(7, later[^1][(int)Measure.Delivered]);
        Assert.Equal(7, later.Sum(c => c[(int)Measure.Delivered]));
    }

    [Fact]
    public void Latency_quantiles_come_from_the_bucket_the_rank_falls_in()
    {
        var ring = new MetricRing(MetricWindow.OneHour);
        for (var i = 0; i < 98; i++)
        {
            ring.AddLatency(T0, 0.010);
        }

        ring.AddLatency(T0, 2.0);
        ring.AddLatency(T0, 2.0);
        var (_, latency) = ring.Read(T0);
        var p50 = LatencyBuckets.Quantile(latency[^1], 0.5)!.Value;
        var p99 = LatencyBuckets.Quantile(latency[^1], 0.99)!.Value;

        Assert.InRange(p50, 0.010, 0.015); // bucket bounds grow by half
        Assert.InRange(p99, 2.0, 3.0);
        Assert.Null(LatencyBuckets.Quantile(new long[LatencyBuckets.UpperBounds.Length], 0.5));
    }

    [Fact]
    public void Every_window_is_known_by_its_name_and_nothing_else_is()
    {
        Assert.Equal(["5m", "1h", "24h"], MetricWindow.All.Select(w => w.Name));
        Assert.Same(MetricWindow.OneDay, MetricWindow.Named("24h"));
        Assert.Null(MetricWindow.Named("7d"));
        Assert.All(MetricWindow.All, w => Assert.InRange(w.Step.TotalSeconds * w.Slots, 300, 86_400));
    }
}
