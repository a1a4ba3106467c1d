using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks;

/// <summary>Collects results and prints them as a markdown table, with each bridge figure as a ratio to its baseline.</summary>
internal sealed class Report(BenchOptions options)
{
    private readonly List<Result> _results = [];

    public void Add(Result result) => _results.Add(result);

    public void Print()
    {
        var kestrel = _results.FirstOrDefault(r => r.Scenario.StartsWith("baseline: no-op Kestrel", StringComparison.Ordinal));
        var transport = _results.FirstOrDefault(r => r.Scenario.StartsWith("baseline: embedded transport", StringComparison.Ordinal));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {options.Duration.TotalSeconds:0} s per scenario, {options.Concurrency} concurrent publishers, batch {options.Batch}.");
        text.AppendLine();
        text.AppendLine("| scenario | rate | p50 ms | p90 ms | p99 ms | max ms | lost | dup | bridge CPU s | bridge peak RSS MB | vs no-op Kestrel | vs raw transport |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in _results)
        {
            var bridge = r.Scenario.StartsWith("bridge", StringComparison.Ordinal);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.PerSecond:N0} {r.Unit} | {F(r.P50)} | {F(r.P90)} | {F(r.P99)} | {F(r.Max)} | {r.Lost?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {r.Duplicates?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {F(r.CpuSeconds)} | {F(r.PeakRssMb)} | {(bridge ? Ratio(r, kestrel) : "–")} | {(bridge ? Ratio(r, transport) : "–")} |");
        }
        Console.WriteLine(text.ToString());
    }

    private static string F(double? value) => value is null ? "–" : value.Value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ratio(Result r, Result? baseline) =>
        baseline is null || baseline.PerSecond == 0 ? "–" : (r.PerSecond / baseline.PerSecond).ToString("0.0%", CultureInfo.InvariantCulture);
}
