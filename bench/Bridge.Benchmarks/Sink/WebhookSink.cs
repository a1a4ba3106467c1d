using System.Text.Json;

namespace Bridge.Benchmarks.Sink;

/// <summary>
/// The webhook receiver of the bridge scenarios, in the harness process: reads each delivery's CloudEvents
/// structured body (<c>id</c>, <c>time</c>, <c>data.sentAt</c>), records it in an <see cref="ArrivalLog"/> and answers 204.
/// Latency is measured from <c>data.sentAt</c> (the generator's scheduled send time) when set, else from the CloudEvent
/// <c>time</c> the bridge stamped when it accepted the event. Signatures are not verified (the tests do that).
/// </summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookSink(WebApplication app, ArrivalLog arrivals)
    {
        _app = app;
        Arrivals = arrivals;
    }

    public ArrivalLog Arrivals { get; }

    public Uri Url => new(new Uri(_app.Urls.First()), "/sink");

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var arrivals = new ArrivalLog();
        app.MapPost("/sink", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var now = BenchClock.UtcTicks;
            var root = document.RootElement;
            var sentAt = root.TryGetProperty("data", out var data) && data.TryGetProperty("sentAt", out var value) ? value.GetInt64() : 0;
            var from = sentAt > 0 ? sentAt : root.GetProperty("time").GetDateTimeOffset().UtcTicks;
            arrivals.Record(root.GetProperty("id").GetString()!, from, now);
            return Results.NoContent();
        });
        await app.StartAsync();
        return new WebhookSink(app, arrivals);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
