namespace Bridge.Benchmarks.Reporting;

/// <summary>A bridge result's rates relative to the baselines of the same run.</summary>
internal static class Ratios
{
    /// <summary>End-to-end rate ÷ the raw loop of the same transport.</summary>
    public static double? VsTransport(Result result, IReadOnlyList<Result> results) =>
        result.TransportBaseline is null ? null : Of(result.Rate, Find(results, result.TransportBaseline));

    /// <summary>Publisher-accepted events per second ÷ no-op Kestrel requests per second.</summary>
    public static double? VsKestrel(Result result, IReadOnlyList<Result> results) =>
        result.ComparedWithKestrel && result.IngestRate is { } ingest ? Of(ingest, Find(results, Baselines.NoOpKestrelBaseline.Key)) : null;

    public static Result? Find(IReadOnlyList<Result> results, string key) => results.FirstOrDefault(r => r.Key == key);

    private static double? Of(double value, Result? baseline) =>
        baseline is null || baseline.Rate <= 0 ? null : value / baseline.Rate;
}
