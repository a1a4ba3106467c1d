#:sdk Microsoft.NET.Sdk.Web
#:package Microsoft.Playwright
#:property PublishAot=false

// Takes docs/screenshots/apphost-trace.png: the Aspire dashboard of Bridge.AppHost showing the trace of one retried
// delivery. A real receiver on 127.0.0.1 answers 503 twice, then 204; the AppHost runs with a subscription to it; one
// event is published; once the third attempt is delivered, the dashboard's trace page is captured in Chromium.
// Run through eng/screenshot-trace.sh, which builds the AppHost first.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

if (args.Length != 2)
{
    Console.Error.WriteLine("Usage: dotnet run eng/screenshot-trace.cs -- <repository root> <output.png> (see eng/screenshot-trace.sh)");
    return 2;
}
var repo = Path.GetFullPath(args[0]);
var output = Path.GetFullPath(args[1]);
var work = Directory.CreateDirectory(Path.Combine(repo, "artifacts/screenshot-trace")).FullName;
const string Topic = "erp-events";
const string Subscription = "warehouse-api";
const int FailedAttempts = 2;
var patience = TimeSpan.FromMinutes(5);

foreach (var (port, owner) in new[] { (5081, "publisher"), (5082, "subscriber"), (5083, "replay") })
{
    if (!IsFree(port))
    {
        throw new InvalidOperationException($"Port {port} ({owner} in its launch profile) is in use: is another AppHost running?");
    }
}

// The receiver: a failing webhook that recovers, recording each call's status and traceparent.
var calls = new List<(int Status, string TraceParent)>();
var receiver = WebApplication.CreateSlimBuilder();
receiver.Logging.ClearProviders();
receiver.WebHost.UseUrls("http://127.0.0.1:0");
var receiverApp = receiver.Build();
receiverApp.MapPost("/webhook", (HttpRequest request) =>
{
    lock (calls)
    {
        var status = calls.Count < FailedAttempts ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status204NoContent;
        calls.Add((status, request.Headers["traceparent"].ToString()));
        return Results.StatusCode(status);
    }
});
await receiverApp.StartAsync();
var webhook = receiverApp.Urls.Single() + "/webhook";

var dashboardPort = FreePort();
var bootstrapKey = "brk_screenshot_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
var subscription = $"--Bridge:Topics:{Topic}:Subscriptions:{Subscription}";
var appHost = new ProcessStartInfo(Path.Combine(repo, "Bridge.AppHost/bin/Release/net10.0/Bridge.AppHost"))
{
    WorkingDirectory = Path.Combine(repo, "Bridge.AppHost"),
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    ArgumentList =
    {
        $"{subscription}:Webhook:Url={webhook}",
        $"{subscription}:Webhook:Secret=whsec_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))}",
        "--Bridge:Webhooks:AllowedNetworks:0=127.0.0.1/32",
        $"--Parameters:bootstrap-key={bootstrapKey}",
    },
    Environment =
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{dashboardPort}",
        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}",
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
    },
};
using var log = new StreamWriter(Path.Combine(work, "apphost.log")) { AutoFlush = true };
using var host = Process.Start(appHost) ?? throw new InvalidOperationException("The AppHost did not start.");
host.OutputDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
host.ErrorDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
host.BeginOutputReadLine();
host.BeginErrorReadLine();
Console.WriteLine($"AppHost PID {host.Id}, dashboard http://127.0.0.1:{dashboardPort}, receiver {webhook}, log {work}/apphost.log");

try
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    foreach (var port in new[] { 5081, 5082 })
    {
        await Until($"the service on port {port} is healthy", async () => await IsHealthyAsync(http, port));
    }

    using var publish = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:5081/api/topics/{Topic}/events")
    {
        Content = new StringContent(
            """{ "orderId": "12345", "customerId": "789", "amount": 1500, "source": "Dataverse" }""",
            System.Text.Encoding.UTF8, "application/json"),
    };
    publish.Headers.Authorization = new("Bearer", bootstrapKey);
    publish.Headers.Add("ce-type", "order.created");
    publish.Headers.Add("ce-subject", "orders/12345");
    using var accepted = await http.SendAsync(publish);
    var answer = await accepted.Content.ReadAsStringAsync();
    if (accepted.StatusCode != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"Publish answered {(int)accepted.StatusCode}: {answer}");
    }
    Console.WriteLine($"Published: {answer}");

    await Until("the retry is delivered", () => Task.FromResult(Count() > FailedAttempts));
    var traceIds = Snapshot().Select(c => c.TraceParent.Split('-')[1]).Distinct().ToList();
    Console.WriteLine($"Receiver calls: {string.Join(", ", Snapshot().Select(c => c.Status))}; trace ids: {string.Join(", ", traceIds)}");
    if (traceIds.Count != 1)
    {
        throw new InvalidOperationException("The attempts did not carry one trace id: the retry is not in the publish trace.");
    }

    await ShootAsync($"http://127.0.0.1:{dashboardPort}/traces/detail/{traceIds[0]}");
    Console.WriteLine($"Wrote {output} ({new FileInfo(output).Length / 1024} KB)");
    return 0;
}
finally
{
    if (!host.HasExited)
    {
        Process.Start("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        if (!host.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            host.Kill(entireProcessTree: true);
        }
    }
    await receiverApp.StopAsync();
}

async Task ShootAsync(string url)
{
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium",
        Args = ["--no-sandbox"],
    });
    var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1150 }, ColorScheme = ColorScheme.Light });
    await Until("the dashboard shows every span of the trace", async () =>
    {
        await page.GotoAsync(url);
        await page.WaitForTimeoutAsync(3000);
        var text = await page.InnerTextAsync("body");
        await File.WriteAllTextAsync(Path.Combine(work, "trace.txt"), text); // what the page showed last, if it never shows the trace
        return Regex.Count(text, "HTTP POST 503") == FailedAttempts && text.Contains("HTTP POST 204", StringComparison.Ordinal)
            && Regex.Count(text, $"MSG bridge settle {Topic}") == FailedAttempts + 1;
    });

    // The dashboard's notices about this local, unsecured run are not what the picture is about.
    while (await page.GetByLabel("Dismiss notification").CountAsync() > 0)
    {
        await page.GetByLabel("Dismiss notification").First.ClickAsync();
    }
    // Open the first failed attempt, its attributes (attempt, outcome, error.type) below the waterfall.
    await page.GetByText($"MSG bridge process {Topic}").First.ClickAsync();
    await page.GetByLabel("Split horizontal").ClickAsync();
    await page.WaitForTimeoutAsync(1500);
    await File.WriteAllTextAsync(Path.Combine(work, "trace.html"), await page.ContentAsync());
    await page.ScreenshotAsync(new() { Path = output });
}

async Task Until(string what, Func<Task<bool>> done)
{
    var clock = Stopwatch.StartNew();
    while (!await done())
    {
        if (host.HasExited)
        {
            throw new InvalidOperationException($"The AppHost exited ({host.ExitCode}) before {what}; see {work}/apphost.log.");
        }
        if (clock.Elapsed > patience)
        {
            throw new TimeoutException($"Timed out waiting until {what}.");
        }
        await Task.Delay(500);
    }
    Console.WriteLine($"{what} ({clock.Elapsed.TotalSeconds:F1} s)");
}

int Count()
{
    lock (calls)
    {
        return calls.Count;
    }
}

List<(int Status, string TraceParent)> Snapshot()
{
    lock (calls)
    {
        return [.. calls];
    }
}

static async Task<bool> IsHealthyAsync(HttpClient http, int port)
{
    try
    {
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
        return response.IsSuccessStatusCode;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        return false; // not listening yet, or its proxy is up before it
    }
}

static bool IsFree(int port)
{
    try
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return true;
    }
    catch (SocketException)
    {
        return false;
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
