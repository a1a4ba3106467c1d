using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks.Reporting;

/// <summary>The issue's targets, each evaluated against the figure of this run that it names.</summary>
internal static class Targets
{
    /// <summary>One row of the targets table.</summary>
    private sealed record Target(string Name, string Required, string Measured, string Ratio, Verdict Verdict);

    /// <summary>Met, not met, not verified (events still pending), or not measured in this run.</summary>
    private enum Verdict
    {
        Met,
        NotMet,
        NotVerified,
        NotMeasured,
    }

    public static string Markdown(IReadOnlyList<Result> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| target | required | measured | ratio | met |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var t in Evaluate(results))
        {
            var met = t.Verdict switch
            {
                Verdict.Met => "met",
                Verdict.NotMet => "**not met**",
                Verdict.NotVerified => "not verified (events still pending at the cut-off)",
                _ => "not measured",
            };
            text.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Required} | {t.Measured} | {t.Ratio} | {met} |");
        }
        return text.ToString();
    }

    private static IEnumerable<Target> Evaluate(IReadOnlyList<Result> results)
    {
        foreach (var key in new[] { "max-embedded", "max-rabbitmq", "batch-embedded" })
        {
            var r = Ratios.Find(results, key);
            yield return new Target($"end-to-end throughput with zero loss: {Label(r, key)}", "≥ 10,000 events/s, 0 lost",
                r is null ? Format.None : $"{Format.Rate(r.Rate)} events/s, {Format.Count(r.Lost)} lost, {Format.Count(r.Pending)} pending",
                r is null ? Format.None : Format.Percent(r.Rate / 10_000),
                r is null ? Verdict.NotMeasured : r.Rate >= 10_000 && r.Lost == 0 ? LossVerdict(r.Pending ?? 0) : Verdict.NotMet);
        }
        foreach (var key in new[] { "latency-embedded", "latency-rabbitmq" })
        {
            var r = Ratios.Find(results, key);
            yield return new Target($"p99 end-to-end latency: {Label(r, key)}", "≤ 25 ms",
                r?.Latency.P99 is { } p99 ? $"{Format.Ms(p99)} ms" : Format.None,
                r?.Latency.P99 is { } p ? Format.Percent(p / 25) : Format.None,
                r?.Latency.P99 is not { } q ? Verdict.NotMeasured : q > 25 ? Verdict.NotMet : LossVerdict(r.Pending ?? 0));
        }
        var kestrel = Ratios.Find(results, Baselines.NoOpKestrelBaseline.Key);
        var comparisons = new (string Title, Func<Result, double?> Ratio, Func<Result, string> Measured)[]
        {
            ("bridge throughput vs raw broker loop", r => Ratios.VsTransport(r, results),
                r => $"{Format.Rate(r.Rate)} vs {Format.Rate(Ratios.Find(results, r.TransportBaseline!)?.Rate)} msg/s"),
            ("publisher ingest vs no-op Kestrel POST", r => Ratios.VsKestrel(r, results),
                r => $"{Format.Rate(r.IngestRate)} vs {Format.Rate(kestrel?.Rate)} req/s"),
        };
        foreach (var (title, ratioOf, measured) in comparisons)
        {
            foreach (var key in new[] { "max-embedded", "max-rabbitmq" })
            {
                var r = Ratios.Find(results, key);
                var ratio = r is null ? null : ratioOf(r);
                yield return new Target($"{title}: {Label(r, key)}", "≥ 50 %", r is null ? Format.None : measured(r),
                    Format.Percent(ratio), ratio is null ? Verdict.NotMeasured : Check(ratio >= 0.5));
            }
        }

        var soak = Ratios.Find(results, "soak-embedded");
        yield return new Target($"bridge RSS over the soak: {Label(soak, "soak-embedded")}", "< 300 MB (peak of 1 s samples)",
            soak?.PeakRssMb is { } peak ? $"{Format.One(peak)} MB peak, {Format.One(soak.FinalRssMb)} MB final" : Format.None,
            soak?.PeakRssMb is { } p2 ? Format.Percent(p2 / 300) : Format.None,
            soak?.PeakRssMb is { } p3 ? Check(p3 < 300) : Verdict.NotMeasured);

        var bridge = results.Where(r => r.Lost is not null).ToList();
        var lost = bridge.Sum(r => r.Lost ?? 0);
        var pending = bridge.Sum(r => r.Pending ?? 0);
        yield return new Target("zero loss in every bridge scenario", "0 lost",
            $"{Format.Count(lost)} lost, {Format.Count(pending)} pending, {Format.Count(bridge.Sum(r => r.Duplicates ?? 0))} duplicates",
            Format.None, bridge.Count == 0 ? Verdict.NotMeasured : lost == 0 ? LossVerdict(pending) : Verdict.NotMet);
    }

    private static Verdict Check(bool met) => met ? Verdict.Met : Verdict.NotMet;

    private static Verdict LossVerdict(long pending) => pending == 0 ? Verdict.Met : Verdict.NotVerified;

    private static string Label(Result? result, string key) => result?.Scenario ?? key;
}
