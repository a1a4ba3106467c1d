using Bridge.Benchmarks.Load;
using Bridge.Benchmarks.Reporting;

namespace Bridge.Benchmarks.Baselines;

/// <summary>
/// The physical limit of the HTTP side: a Kestrel endpoint in this process that reads the JSON body and answers 202
/// with a body shaped like the publisher's, loaded by the same wrk script as the bridge.
/// </summary>
internal static class NoOpKestrelBaseline
{
    public const string Key = "noop-kestrel";

    public static async Task<Result> RunAsync(BenchOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/noop", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return TypedResults.Accepted((string?)null, new NoOpAccepted("bench", Guid.CreateVersion7().ToString("N"), "bench"));
        });
        await app.StartAsync();
        var url = new Uri(new Uri(app.Urls.First()), "/noop");
        var body = Payloads.Event(0);

        await Wrk.RunAsync(url, body, "application/json", options.Connections, options.Warmup);
        var run = await Wrk.RunAsync(url, body, "application/json", options.Connections, options.Measure);
        await app.StopAsync();
        return new Result(Key, "baseline: no-op Kestrel POST (wrk)", run.RequestsPerSecond, "req/s")
        {
            Latency = new Percentiles(run.P50, run.P90, run.P99, run.Max),
            LatencyFrom = "HTTP request (wrk)",
            PublishErrors = run.Failed,
        };
    }

    /// <summary>The publisher's 202 body shape, so wrk's script parses the same kind of response.</summary>
    private sealed record NoOpAccepted(string Topic, string MessageId, string CorrelationId);
}
