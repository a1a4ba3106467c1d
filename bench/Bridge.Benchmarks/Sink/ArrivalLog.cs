using System.Collections.Concurrent;

namespace Bridge.Benchmarks.Sink;

/// <summary>Every envelope the sink received, by id: how many times, when first, and its end-to-end latency then.</summary>
internal sealed class ArrivalLog
{
    private readonly ConcurrentDictionary<string, Arrival> _arrivals = new(StringComparer.Ordinal);
    private long _deliveries;

    /// <summary>Records one delivery of <paramref name="id"/> at <paramref name="nowTicks"/>, sent (or accepted) at <paramref name="fromTicks"/>.</summary>
    public void Record(string id, long fromTicks, long nowTicks)
    {
        var arrival = _arrivals.GetOrAdd(id, static (_, state) => new Arrival(state.nowTicks, BenchClock.Milliseconds(state.fromTicks, state.nowTicks)), (fromTicks, nowTicks));
        Interlocked.Increment(ref arrival.Count);
        Interlocked.Increment(ref _deliveries);
    }

    /// <summary>How many of <paramref name="ids"/> have arrived at least once.</summary>
    public int Arrived(IEnumerable<string> ids) => ids.Count(_arrivals.ContainsKey);

    /// <summary>
    /// Waits until every one of <paramref name="ids"/> arrived; gives up when no delivery at all (of any id: a backlog
    /// from earlier counts as progress) came for <paramref name="stall"/> (the rest are lost), or when
    /// <paramref name="limit"/> is over while deliveries still come (the rest are pending).
    /// </summary>
    public async Task<Drain> DrainAsync(IReadOnlyCollection<string> ids, TimeSpan stall, TimeSpan limit)
    {
        var deliveries = -1L;
        var started = BenchClock.UtcTicks;
        var lastProgress = started;
        while (true)
        {
            var now = BenchClock.UtcTicks;
            if (Arrived(ids) == ids.Count)
            {
                return new Drain(DrainEnd.AllArrived, now);
            }
            var count = Interlocked.Read(ref _deliveries);
            if (count != deliveries)
            {
                deliveries = count;
                lastProgress = now;
            }
            else if (now - lastProgress > stall.Ticks)
            {
                return new Drain(DrainEnd.Stalled, now);
            }
            if (now - started > limit.Ticks)
            {
                return new Drain(DrainEnd.CutOff, now);
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Distinct envelopes (any id) whose first arrival fell in [<paramref name="fromTicks"/>, <paramref name="toTicks"/>].</summary>
    public long ArrivedBetween(long fromTicks, long toTicks) =>
        _arrivals.Values.Count(a => a.FirstTicks >= fromTicks && a.FirstTicks <= toTicks);

    /// <summary>Figures over <paramref name="ids"/> (the accepted events of one measured phase) after <paramref name="drain"/>.</summary>
    public DeliverySummary Summarize(IReadOnlyCollection<string> ids, Drain drain)
    {
        var latencies = new List<double>(ids.Count);
        long missing = 0, duplicates = 0, lastArrival = 0;
        foreach (var id in ids)
        {
            if (!_arrivals.TryGetValue(id, out var arrival))
            {
                missing++;
                continue;
            }
            latencies.Add(arrival.LatencyMs);
            duplicates += Volatile.Read(ref arrival.Count) - 1;
            lastArrival = Math.Max(lastArrival, arrival.FirstTicks);
        }
        var cutOff = drain.End == DrainEnd.CutOff;
        return new DeliverySummary(ids.Count, cutOff ? 0 : missing, cutOff ? missing : 0, duplicates,
            cutOff ? drain.AtTicks : lastArrival, Percentiles.Of(latencies));
    }

    /// <summary>One id's deliveries: the count (updated concurrently), the first arrival and its latency.</summary>
    private sealed class Arrival(long firstTicks, double latencyMs)
    {
        public int Count;

        public long FirstTicks { get; } = firstTicks;

        public double LatencyMs { get; } = latencyMs;
    }
}
