namespace Bridge.OpsConsole.Metrics;

/// <summary>A span of recent time the console shows, kept as a ring of equal slots.</summary>
/// <param name="Name">How the API names it: <c>5m</c>, <c>1h</c> or <c>24h</c>.</param>
/// <param name="Step">The length of one slot.</param>
/// <param name="Slots">How many slots make the window.</param>
public sealed record MetricWindow(string Name, TimeSpan Step, int Slots)
{
    /// <summary>The last 5 minutes, per second.</summary>
    public static readonly MetricWindow FiveMinutes = new("5m", TimeSpan.FromSeconds(1), 300);

    /// <summary>The last hour, per 10 seconds.</summary>
    public static readonly MetricWindow OneHour = new("1h", TimeSpan.FromSeconds(10), 360);

    /// <summary>The last 24 hours, per 5 minutes.</summary>
    public static readonly MetricWindow OneDay = new("24h", TimeSpan.FromMinutes(5), 288);

    /// <summary>Every window, shortest first.</summary>
    public static IReadOnlyList<MetricWindow> All { get; } = [FiveMinutes, OneHour, OneDay];

    /// <summary>The window called <paramref name="name"/>, or null.</summary>
    public static MetricWindow? Named(string? name) => All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.Ordinal));
}

/// <summary>Latency buckets: upper bounds growing by half from 1 ms (about 40 buckets up to many hours).</summary>
internal static class LatencyBuckets
{
    public static readonly double[] UpperBounds = [.. Enumerable.Range(0, 40).Select(i => 0.001 * Math.Pow(1.5, i))];

    public static int Of(double seconds)
    {
        var index = Array.BinarySearch(UpperBounds, seconds);
        return Math.Min(index >= 0 ? index : ~index, UpperBounds.Length - 1);
    }

    /// <summary>The <paramref name="quantile"/> of the counts, as the upper bound of the bucket it falls in; null without data.</summary>
    public static double? Quantile(long[] counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBounds[i];
            }
        }

        return UpperBounds[^1];
    }
}
