using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Telemetry;

/// <summary>
/// A real OTLP/HTTP (protobuf) receiver on 127.0.0.1 with a free port: what a collector or the Aspire dashboard is to a
/// Bridge process. Keeps every span, histogram point and gauge point it was sent.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentQueue<OtlpHistogramPoint> _histograms = new();
    private readonly ConcurrentQueue<OtlpGaugePoint> _gauges = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Settings that make a bridge export here over OTLP/HTTP, quickly (spans within 100 ms, metrics every 500 ms).</summary>
    public IReadOnlyDictionary<string, string> ExporterSettings => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.ReceiveAsync(context, body => Enqueue(receiver._spans, OtlpDecoder.Spans(body))));
        app.MapPost("/v1/metrics", context => receiver.ReceiveAsync(context, body =>
        {
            Enqueue(receiver._histograms, OtlpDecoder.HistogramPoints(body));
            Enqueue(receiver._gauges, OtlpDecoder.GaugePoints(body));
        }));
        app.MapPost("/v1/logs", context => receiver.ReceiveAsync(context, _ => { }));
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Urls.First());
        return receiver;
    }

    /// <summary>Waits until the spans received satisfy <paramref name="done"/>; returns them.</summary>
    public Task<IReadOnlyList<OtlpSpan>> WaitForSpansAsync(Func<IReadOnlyList<OtlpSpan>, bool> done, TimeSpan patience) =>
        WaitAsync(_spans, done, patience, "spans");

    /// <summary>Waits until the histogram points received satisfy <paramref name="done"/>; returns them.</summary>
    public Task<IReadOnlyList<OtlpHistogramPoint>> WaitForHistogramsAsync(Func<IReadOnlyList<OtlpHistogramPoint>, bool> done, TimeSpan patience) =>
        WaitAsync(_histograms, done, patience, "histogram points");

    /// <summary>Waits until the gauge points received satisfy <paramref name="done"/>; returns them.</summary>
    public Task<IReadOnlyList<OtlpGaugePoint>> WaitForGaugesAsync(Func<IReadOnlyList<OtlpGaugePoint>, bool> done, TimeSpan patience) =>
        WaitAsync(_gauges, done, patience, "gauge points");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context, Action<ReadOnlyMemory<byte>> decode)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        decode(buffer.ToArray());
        // An empty Export*ServiceResponse: everything accepted.
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static void Enqueue<T>(ConcurrentQueue<T> queue, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            queue.Enqueue(item);
        }
    }

    private static async Task<IReadOnlyList<T>> WaitAsync<T>(ConcurrentQueue<T> queue, Func<IReadOnlyList<T>, bool> done, TimeSpan patience, string what)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var items = queue.ToArray();
            if (done(items))
            {
                return items;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; received {items.Length}:\n" + string.Join('\n', items.TakeLast(40)));
            }
            await Task.Delay(100);
        }
    }
}
