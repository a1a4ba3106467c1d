using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bridge.Benchmarks;

/// <summary>
/// The bridge end to end: HTTP publish → broker → signed webhook POST to a sink, the standalone host as a real
/// process. Latency is measured from the moment the generator sent the event (carried in its data) to its arrival.
/// </summary>
internal static partial class EndToEndScenario
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // public test-vector key, benchmark only

    public static async Task<Result> RunAsync(BenchOptions options, string transport)
    {
        var arrivals = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        var lastArrival = 0L;
        await using var sink = await StartSinkAsync(arrivals, latencies, () => Interlocked.Exchange(ref lastArrival, Stopwatch.GetTimestamp()));

        var directory = Path.Combine(Path.GetTempPath(), "bridge-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var bridge = StartBridge(directory, new Uri(new Uri(sink.Urls.First()), "/sink"));
        try
        {
            var baseAddress = await ListeningAsync(bridge);
            var url = new Uri(baseAddress, "/api/topics/bench/events");
            var accepted = new ConcurrentBag<string>();
            var started = Stopwatch.GetTimestamp();
            var (count, failed, _) = await LoadGenerator.RunAsync(
                url,
                () => Payloads.Json(Encoding.UTF8.GetBytes(Payloads.Event(DateTime.UtcNow.Ticks))),
                options.Concurrency,
                options.Duration,
                async response => accepted.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("messageId").GetString()!));

            var drainDeadline = Stopwatch.StartNew();
            while (accepted.Any(id => !arrivals.ContainsKey(id)) && drainDeadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }

            var (cpu, rss) = ProcessFigures(bridge.Id);
            var sorted = latencies.Order().ToArray();
            var seconds = Stopwatch.GetElapsedTime(started, Interlocked.Read(ref lastArrival)).TotalSeconds;
            return new Result(
                $"bridge end to end ({transport}, max rate, {failed} publish errors)",
                count / seconds,
                "events/s",
                Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), sorted.LastOrDefault(),
                accepted.Count(id => !arrivals.ContainsKey(id)),
                arrivals.Values.Sum(n => n - 1L),
                cpu, rss);
        }
        finally
        {
            bridge.Kill(entireProcessTree: true);
            await bridge.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<WebApplication> StartSinkAsync(ConcurrentDictionary<string, int> arrivals, ConcurrentBag<double> latencies, Action arrived)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/sink", async (HttpRequest request) =>
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            var now = DateTime.UtcNow.Ticks;
            var id = document.RootElement.GetProperty("id").GetString()!;
            if (arrivals.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
            {
                latencies.Add(TimeSpan.FromTicks(now - document.RootElement.GetProperty("data").GetProperty("sentAt").GetInt64()).TotalMilliseconds);
            }
            arrived();
            return Results.NoContent();
        });
        await app.StartAsync();
        return app;
    }

    private static Process StartBridge(string directory, Uri sink)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "Bridge.Standalone", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "Bridge.Standalone.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in new[]
        {
            Path.GetFullPath(dll), "--urls=http://127.0.0.1:0", "--contentRoot=" + Path.GetDirectoryName(Path.GetFullPath(dll)),
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            $"--ConnectionStrings:bridgedb=Data Source={Path.Combine(directory, "bridge.db")}",
            $"--ConnectionStrings:messaging=Data Source={Path.Combine(directory, "broker.db")}",
            $"--Bridge:Topics:bench:Subscriptions:sink:Webhook:Url={sink}",
            $"--Bridge:Topics:bench:Subscriptions:sink:Webhook:Secret={Secret}",
            "--Bridge:Topics:bench:Subscriptions:sink:Webhook:Concurrency=64",
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Process.Start(start) ?? throw new InvalidOperationException("The bridge did not start.");
    }

    private static async Task<Uri> ListeningAsync(Process bridge)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        bridge.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        bridge.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        bridge.BeginOutputReadLine();
        bridge.BeginErrorReadLine();
        return await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>CPU seconds used and peak resident memory (MB) of a process, from /proc.</summary>
    private static (double? Cpu, double? RssMb) ProcessFigures(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            var hwm = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var kb = double.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return (ticks / 100.0, kb / 1024.0);
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    private static double? Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
