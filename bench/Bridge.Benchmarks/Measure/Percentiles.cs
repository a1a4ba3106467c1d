namespace Bridge.Benchmarks;

/// <summary>p50/p90/p99/max of a set of latencies in milliseconds (nearest rank); null when there were none.</summary>
internal sealed record Percentiles(double? P50, double? P90, double? P99, double? Max)
{
    public static Percentiles None { get; } = new(null, null, null, null);

    public static Percentiles Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return None;
        }
        values.Sort();
        double At(double p) => values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
        return new Percentiles(At(0.50), At(0.90), At(0.99), values[^1]);
    }
}
