using System.Globalization;

namespace Bridge.Benchmarks;

/// <summary>Command line: <c>--duration 10</c> (seconds per scenario), <c>--concurrency 32</c>, <c>--batch 1</c>.</summary>
internal sealed record BenchOptions(TimeSpan Duration, int Concurrency, int Batch)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new BenchOptions(
            TimeSpan.FromSeconds(double.Parse(Value("--duration") ?? "10", CultureInfo.InvariantCulture)),
            int.Parse(Value("--concurrency") ?? "32", CultureInfo.InvariantCulture),
            int.Parse(Value("--batch") ?? "1", CultureInfo.InvariantCulture));
    }
}
