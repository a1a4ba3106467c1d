using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks.Reporting;

/// <summary>
/// Every scenario as one markdown row; each bridge rate also as a ratio to its baseline measured in the same run
/// (end-to-end rate ÷ raw transport loop, publisher ingest ÷ no-op Kestrel POST).
/// </summary>
internal static class ResultTable
{
    public static string Markdown(IReadOnlyList<Result> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | rate | publisher accepted /s | vs raw loop | ingest vs no-op Kestrel | p50 ms | p90 ms | p99 ms | max ms | latency from | accepted | lost | pending | dup | errors | bridge CPU s (cores) | bridge CPU µs/event | bridge RSS MB peak (final) | note |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var cpu = r.CpuSeconds is null ? Format.None : $"{Format.One(r.CpuSeconds)} ({r.CpuCores:0.00})";
            var rss = r.PeakRssMb is null ? Format.None : Format.One(r.PeakRssMb) + (r.FinalRssMb is null ? "" : $" ({Format.One(r.FinalRssMb)})");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {Format.Rate(r.Rate)} {r.Unit} | {Format.Rate(r.IngestRate)} | {Format.Percent(Ratios.VsTransport(r, results))} | {Format.Percent(Ratios.VsKestrel(r, results))} | {Format.Ms(r.Latency.P50)} | {Format.Ms(r.Latency.P90)} | {Format.Ms(r.Latency.P99)} | {Format.Ms(r.Latency.Max)} | {r.LatencyFrom ?? Format.None} | {Format.Count(r.Accepted)} | {Format.Count(r.Lost)} | {Format.Count(r.Pending)} | {Format.Count(r.Duplicates)} | {Format.Count(r.PublishErrors)} | {cpu} | {Format.One(r.CpuMicrosPerEvent)} | {rss} | {r.Note ?? ""} |");
        }
        return text.ToString();
    }
}
