using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Bridge.Benchmarks.Load;

/// <summary>
/// Max-rate HTTP load with wrk (<c>-t1 -c{connections}</c>, keep-alive) and <c>publish.lua</c>: the same generator
/// for the no-op Kestrel baseline and the bridge, so their ratio compares like with like.
/// </summary>
internal static partial class Wrk
{
    public const string Binary = "/usr/bin/wrk";

    /// <summary>POSTs <paramref name="body"/> to <paramref name="url"/> for <paramref name="duration"/> as fast as the server answers.</summary>
    public static async Task<WrkResult> RunAsync(Uri url, string body, string contentType, int connections, TimeSpan duration, string? apiKey = null)
    {
        var directory = Directory.CreateTempSubdirectory("bridge-bench-wrk-");
        try
        {
            var bodyFile = Path.Combine(directory.FullName, "body");
            var idsFile = Path.Combine(directory.FullName, "ids");
            await File.WriteAllTextAsync(bodyFile, body);
            var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[]
            {
                "-t1", $"-c{connections}", $"-d{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s", "--timeout", "10s",
                "-s", Path.Combine(AppContext.BaseDirectory, "Load", "publish.lua"), url.ToString(),
            })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["BENCH_BODY_FILE"] = bodyFile;
            start.Environment["BENCH_CONTENT_TYPE"] = contentType;
            start.Environment["BENCH_IDS_FILE"] = idsFile;
            start.Environment["BENCH_AUTHORIZATION"] = apiKey is null ? "" : "Bearer " + apiKey;

            using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = await output;
            var match = ResultLine().Match(text);
            if (process.ExitCode != 0 || !match.Success)
            {
                throw new InvalidOperationException($"wrk failed ({process.ExitCode}):\n{text}\n{await errors}");
            }

            long Value(string name) => long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
            return new WrkResult(
                Value("accepted"),
                Value("other"),
                Value("errors"),
                TimeSpan.FromMicroseconds(Value("duration")),
                await File.ReadAllLinesAsync(idsFile),
                Value("p50") / 1000.0,
                Value("p90") / 1000.0,
                Value("p99") / 1000.0,
                Value("max") / 1000.0);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>wrk's version line, e.g. <c>wrk 4.1.0 [epoll]</c>.</summary>
    public static async Task<string> VersionAsync()
    {
        var start = new ProcessStartInfo(Binary, "-v") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text.Split('\n')[0].Split(" Copyright")[0].Trim();
    }

    [GeneratedRegex(@"bench-result accepted=(?<accepted>\d+) other=(?<other>\d+) socket_errors=(?<errors>\d+) duration_us=(?<duration>\d+) p50_us=(?<p50>\d+) p90_us=(?<p90>\d+) p99_us=(?<p99>\d+) max_us=(?<max>\d+)")]
    private static partial Regex ResultLine();
}
