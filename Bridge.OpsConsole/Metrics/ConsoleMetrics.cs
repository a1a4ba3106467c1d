using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bridge.Telemetry;

namespace Bridge.OpsConsole.Metrics;

/// <summary>
/// In-process aggregates of Bridge's own instruments for the console: counts per slot of each window, in total and per
/// subscription, and latency buckets. A measurement costs a few additions under an uncontended lock; reading a window
/// never touches the store.
/// </summary>
public sealed class ConsoleMetrics : IDisposable
{
    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private readonly MetricRing[] _total;
    private readonly ConcurrentDictionary<(string Topic, string Subscription), MetricRing[]> _subscriptions = new();

    /// <summary>Starts listening to Bridge's counters and its delivery-latency histogram.</summary>
    public ConsoleMetrics(TimeProvider time)
    {
        _time = time;
        _total = NewRings();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // By name: an instrument is published while BridgeTelemetry's fields are still being initialised.
            if (instrument.Meter.Name == BridgeTelemetry.Name && (MeasureOf(instrument.Name) is not null || instrument.Name == LatencyInstrument))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnCount(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => OnLatency(value, tags));
        _listener.Start();
    }

    /// <summary>The window ending now: totals per slot, latency percentiles per slot, and a row per subscription.</summary>
    public MetricsSnapshot Read(MetricWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var now = _time.GetUtcNow();
        var index = MetricWindow.All.ToList().IndexOf(window);
        var (counts, latency) = _total[index].Read(now);
        var perSecond = 1 / window.Step.TotalSeconds;
        var start = DateTimeOffset.FromUnixTimeMilliseconds((_total[index].EpochOf(now) - window.Slots + 1) * (long)window.Step.TotalMilliseconds);
        var rows = _subscriptions.Select(s =>
        {
            var (c, l) = s.Value[index].Read(now);
            var delivered = c.Sum(x => x[(int)Measure.Delivered]);
            var failed = c.Sum(x => x[(int)Measure.Failed]);
            var merged = Merge(l);
            return new SubscriptionMetrics(s.Key.Topic, s.Key.Subscription, delivered, failed, c.Sum(x => x[(int)Measure.DeadLettered]),
                delivered + failed == 0 ? 0 : (double)failed / (delivered + failed),
                LatencyBuckets.Quantile(merged, 0.5), LatencyBuckets.Quantile(merged, 0.99));
        }).OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Subscription, StringComparer.Ordinal).ToList();

        return new MetricsSnapshot(
            window.Name,
            window.Step.TotalSeconds,
            start,
            [.. counts.Select(c => c[(int)Measure.Published] * perSecond)],
            [.. counts.Select(c => c[(int)Measure.Delivered] * perSecond)],
            [.. counts.Select(c => c[(int)Measure.Failed] * perSecond)],
            [.. counts.Select(c => c[(int)Measure.DeadLettered] * perSecond)],
            [.. latency.Select(l => LatencyBuckets.Quantile(l, 0.5))],
            [.. latency.Select(l => LatencyBuckets.Quantile(l, 0.99))],
            rows);
    }

    public void Dispose() => _listener.Dispose();

    private static MetricRing[] NewRings() => [.. MetricWindow.All.Select(w => new MetricRing(w))];

    /// <summary>The histogram of publish-to-delivery latency.</summary>
    private const string LatencyInstrument = "bridge.delivery.latency";

    /// <summary>What a counter of Bridge's counts toward, or null for an instrument the console does not show.</summary>
    private static Measure? MeasureOf(string instrument) => instrument switch
    {
        "bridge.envelopes.published" => Measure.Published,
        "bridge.deliveries.delivered" => Measure.Delivered,
        "bridge.attempts.failed" => Measure.Failed,
        "bridge.deliveries.dead_lettered" => Measure.DeadLettered,
        _ => null,
    };

    private void OnCount(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (MeasureOf(instrument) is not { } measure)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var ring in _total)
        {
            ring.Add(now, measure, value);
        }

        if (SubscriptionOf(tags) is { } rings)
        {
            foreach (var ring in rings)
            {
                ring.Add(now, measure, value);
            }
        }
    }

    private void OnLatency(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var now = _time.GetUtcNow();
        foreach (var ring in _total)
        {
            ring.AddLatency(now, seconds);
        }

        if (SubscriptionOf(tags) is { } rings)
        {
            foreach (var ring in rings)
            {
                ring.AddLatency(now, seconds);
            }
        }
    }

    private MetricRing[]? SubscriptionOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? topic = null, subscription = null;
        foreach (var (key, value) in tags)
        {
            if (key == "topic")
            {
                topic = value as string;
            }
            else if (key == "subscription")
            {
                subscription = value as string;
            }
        }

        return topic is null || subscription is null ? null : _subscriptions.GetOrAdd((topic, subscription), _ => NewRings());
    }

    private static long[] Merge(long[][] latency)
    {
        var merged = new long[LatencyBuckets.UpperBounds.Length];
        foreach (var slot in latency)
        {
            for (var b = 0; b < merged.Length; b++)
            {
                merged[b] += slot[b];
            }
        }

        return merged;
    }
}

/// <summary>One window of the console's numbers; rates are per second, latencies in seconds (null where nothing was delivered).</summary>
public sealed record MetricsSnapshot(
    string Window,
    double StepSeconds,
    DateTimeOffset Start,
    IReadOnlyList<double> Published,
    IReadOnlyList<double> Delivered,
    IReadOnlyList<double> Failed,
    IReadOnlyList<double> DeadLettered,
    IReadOnlyList<double?> LatencyP50,
    IReadOnlyList<double?> LatencyP99,
    IReadOnlyList<SubscriptionMetrics> Subscriptions);

/// <summary>One subscription's totals over the window; retry rate = failed attempts / all attempts.</summary>
public sealed record SubscriptionMetrics(
    string Topic, string Subscription, long Delivered, long FailedAttempts, long DeadLettered, double RetryRate, double? LatencyP50, double? LatencyP99);
