using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks.Reporting;

/// <summary>
/// The performance targets, each a ratio to a baseline of the same run or an absolute bound, evaluated against the
/// figure of this run that it names. The ratio column is measured ÷ required, so 100 % or more (less, for latency and
/// memory) meets it. CPU per event has no bound of its own: <c>--compare</c> shows whether it grew.
/// </summary>
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
        var kestrel = Ratios.Find(results, Baselines.NoOpKestrelBaseline.Key);
        var embedded = Ratios.Find(results, "max-embedded");
        var rabbitMq = Ratios.Find(results, "max-rabbitmq");

        var endToEnd = embedded is null ? null : Ratio(embedded.Rate, kestrel);
        yield return new Target($"end to end: {Label(embedded, "max-embedded")}", "≥ 1/3 of the no-op Kestrel POST, 0 lost",
            embedded is null ? Format.None : $"{Format.Rate(embedded.Rate)} events/s vs {Format.Rate(kestrel?.Rate)} req/s, {Format.Count(embedded.Lost)} lost",
            Format.Percent(endToEnd is { } e ? e * 3 : null),
            endToEnd is not { } e2 ? Verdict.NotMeasured : e2 >= 1.0 / 3 && embedded!.Lost == 0 ? LossVerdict(embedded.Pending ?? 0) : Verdict.NotMet);

        var vsLoop = rabbitMq is null ? null : Ratios.VsTransport(rabbitMq, results);
        yield return new Target($"RabbitMQ: {Label(rabbitMq, "max-rabbitmq")}", "≥ 50 % of the raw quorum loop, delivery keeping up",
            rabbitMq is null ? Format.None : $"{Format.Rate(rabbitMq.Rate)} vs {Format.Rate(Ratios.Find(results, rabbitMq.TransportBaseline ?? "")?.Rate)} msg/s, {Format.Count(rabbitMq.Pending)} pending",
            Format.Percent(vsLoop is { } v ? v * 2 : null),
            vsLoop is not { } v2 ? Verdict.NotMeasured : v2 >= 0.5 && rabbitMq!.Lost == 0 ? LossVerdict(rabbitMq.Pending ?? 0) : Verdict.NotMet);

        foreach (var r in new[] { embedded, rabbitMq }.OfType<Result>())
        {
            var ingest = Ratios.VsKestrel(r, results);
            yield return new Target($"durable single-publish ingest: {r.Scenario}", "≥ 50 % of the no-op Kestrel POST",
                $"{Format.Rate(r.IngestRate)} vs {Format.Rate(kestrel?.Rate)} req/s", Format.Percent(ingest is { } i ? i * 2 : null),
                ingest is null ? Verdict.NotMeasured : Check(ingest >= 0.5));
        }

        foreach (var key in new[] { "latency-embedded", "latency-rabbitmq" })
        {
            var r = Ratios.Find(results, key);
            yield return new Target($"p99 at a steady rate: {Label(r, key)}", "≤ 25 ms",
                r?.Latency.P99 is { } p99 ? $"{Format.Ms(p99)} ms" : Format.None,
                r?.Latency.P99 is { } p ? Format.Percent(p / 25) : Format.None,
                r?.Latency.P99 is not { } q ? Verdict.NotMeasured : q > 25 ? Verdict.NotMet : LossVerdict(r.Pending ?? 0));
        }

        foreach (var key in new[] { "max-embedded", "batch-embedded", "max-rabbitmq", "soak-embedded" })
        {
            var r = Ratios.Find(results, key);
            yield return new Target($"RSS: {Label(r, key)}", "< 300 MB",
                r?.PeakRssMb is { } peak ? $"{Format.One(peak)} MB peak" + (r.FinalRssMb is { } last ? $", {Format.One(last)} MB final" : "") : Format.None,
                r?.PeakRssMb is { } p2 ? Format.Percent(p2 / 300) : Format.None,
                r?.PeakRssMb is { } p3 ? Check(p3 < 300) : Verdict.NotMeasured);
        }

        var bridge = results.Where(r => r.Lost is not null).ToList();
        var lost = bridge.Sum(r => r.Lost ?? 0);
        var pending = bridge.Sum(r => r.Pending ?? 0);
        yield return new Target("zero loss in every bridge scenario", "0 lost",
            $"{Format.Count(lost)} lost, {Format.Count(pending)} pending, {Format.Count(bridge.Sum(r => r.Duplicates ?? 0))} duplicates",
            Format.None, bridge.Count == 0 ? Verdict.NotMeasured : lost == 0 ? LossVerdict(pending) : Verdict.NotMet);
    }

    private static double? Ratio(double value, Result? baseline) =>
        baseline is null || baseline.Rate <= 0 ? null : value / baseline.Rate;

    private static Verdict Check(bool met) => met ? Verdict.Met : Verdict.NotMet;

    private static Verdict LossVerdict(long pending) => pending == 0 ? Verdict.Met : Verdict.NotVerified;

    private static string Label(Result? result, string key) => result?.Scenario ?? key;
}
