namespace Bridge.OpsConsole.Metrics;

/// <summary>The counts of one window for one scope (everything, or one subscription): a ring of slots reused as time moves on.</summary>
internal sealed class MetricRing(MetricWindow window)
{
    private readonly Lock _sync = new();
    private readonly long[] _epochs = Enumerable.Repeat(-1L, window.Slots).ToArray();
    private readonly long[,] _counts = new long[window.Slots, (int)Measure.Count];
    private readonly long[,] _latency = new long[window.Slots, LatencyBuckets.UpperBounds.Length];

    public MetricWindow Window => window;

    public void Add(DateTimeOffset at, Measure measure, long value)
    {
        lock (_sync)
        {
            _counts[Slot(at), (int)measure] += value;
        }
    }

    public void AddLatency(DateTimeOffset at, double seconds)
    {
        var bucket = LatencyBuckets.Of(seconds);
        lock (_sync)
        {
            _latency[Slot(at), bucket]++;
        }
    }

    /// <summary>The window ending at <paramref name="now"/>: per slot (oldest first) the counts, and the latency counts of the whole window.</summary>
    public (long[][] Counts, long[][] Latency) Read(DateTimeOffset now)
    {
        var current = EpochOf(now);
        var counts = new long[window.Slots][];
        var latency = new long[window.Slots][];
        lock (_sync)
        {
            for (var i = 0; i < window.Slots; i++)
            {
                var epoch = current - window.Slots + 1 + i;
                var slot = (int)(epoch % window.Slots);
                var live = _epochs[slot] == epoch;
                counts[i] = new long[(int)Measure.Count];
                latency[i] = new long[LatencyBuckets.UpperBounds.Length];
                if (live)
                {
                    for (var m = 0; m < counts[i].Length; m++)
                    {
                        counts[i][m] = _counts[slot, m];
                    }

                    for (var b = 0; b < latency[i].Length; b++)
                    {
                        latency[i][b] = _latency[slot, b];
                    }
                }
            }
        }

        return (counts, latency);
    }

    public long EpochOf(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / (long)window.Step.TotalMilliseconds;

    /// <summary>The slot of <paramref name="at"/>, emptied first when it still holds an older period (called under the lock).</summary>
    private int Slot(DateTimeOffset at)
    {
        var epoch = EpochOf(at);
        var slot = (int)(epoch % window.Slots);
        if (_epochs[slot] != epoch)
        {
            _epochs[slot] = epoch;
            for (var m = 0; m < (int)Measure.Count; m++)
            {
                _counts[slot, m] = 0;
            }

            for (var b = 0; b < LatencyBuckets.UpperBounds.Length; b++)
            {
                _latency[slot, b] = 0;
            }
        }

        return slot;
    }
}

/// <summary>What the console counts.</summary>
internal enum Measure
{
    Published,
    Delivered,
    Failed,
    DeadLettered,
    Count,
}
