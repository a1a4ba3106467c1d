using System.Text;

namespace Bridge.Benchmarks;

/// <summary>The physical limit of the HTTP side: a Kestrel endpoint that reads a JSON body and answers 202, nothing else.</summary>
internal static class NoOpKestrelBaseline
{
    public static async Task<Result> RunAsync(BenchOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/noop", async (HttpRequest request) =>
        {
            using var sink = new MemoryStream();
            await request.Body.CopyToAsync(sink);
            return Results.Accepted(value: new { messageId = "x" });
        });
        await app.StartAsync();
        var url = new Uri(new Uri(app.Urls.First()), "/noop");
        var payload = Encoding.UTF8.GetBytes(Payloads.Event(0));
        var (accepted, _, elapsed) = await LoadGenerator.RunAsync(url, () => Payloads.Json(payload), options.Concurrency, options.Duration);
        await app.StopAsync();
        return new Result("baseline: no-op Kestrel POST", accepted / elapsed.TotalSeconds, "req/s");
    }
}
