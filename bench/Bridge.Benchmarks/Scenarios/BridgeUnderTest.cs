using System.Net;
using Bridge.Benchmarks.Sink;
using Bridge.Testing;

namespace Bridge.Benchmarks.Scenarios;

/// <summary>
/// The standalone bridge as a real process (Release build) with one topic <c>bench</c> whose subscription <c>sink</c>
/// delivers to a fresh <see cref="WebhookSink"/>; on the embedded broker (a fresh SQLite file) or on RabbitMQ (a fresh
/// exchange and queue prefix, so runs never see each other's messages). Logging as shipped (per-event success logs are at Debug).
/// </summary>
internal sealed class BridgeUnderTest : IAsyncDisposable
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // public test-vector key, benchmark only
    private readonly DirectoryInfo _directory;

    private BridgeUnderTest(DirectoryInfo directory, WebhookSink sink, BridgeProcess process, string transport)
    {
        _directory = directory;
        Sink = sink;
        Process = process;
        Transport = transport;
    }

    public WebhookSink Sink { get; }

    public BridgeProcess Process { get; }

    /// <summary><c>embedded</c> or <c>rabbitmq</c>.</summary>
    public string Transport { get; }

    public int ProcessId => Process.ProcessId;

    public Uri EventsUrl => new(Process.BaseAddress, "/api/topics/bench/events");

    public Uri BatchUrl => new(Process.BaseAddress, "/api/topics/bench/events/batch");

    /// <summary>Starts a sink and a bridge; <paramref name="rabbitMq"/> selects the RabbitMQ transport.</summary>
    public static async Task<BridgeUnderTest> StartAsync(RabbitMqServer? rabbitMq)
    {
        var directory = Directory.CreateTempSubdirectory("bridge-bench-");
        var sink = await WebhookSink.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            ["Bridge:Topics:bench:Subscriptions:sink:Webhook:Url"] = sink.Url.ToString(),
            ["Bridge:Topics:bench:Subscriptions:sink:Webhook:Secret"] = Secret,
            ["Bridge:Topics:bench:Subscriptions:sink:Webhook:Concurrency"] = "64",
            ["Bridge:Webhooks:AllowedNetworks:0"] = "127.0.0.1/32", // the sink is on loopback, which webhooks may not reach by default
            // Measure the bridge, not the per-publisher throttle.
            ["Bridge:Security:RateLimit:PermitsPerSecond"] = "1000000",
            ["Bridge:Security:RateLimit:Burst"] = "1000000",
        };
        if (rabbitMq is not null)
        {
            settings["Bridge:Transport"] = "rabbitmq";
            settings["ConnectionStrings:messaging"] = rabbitMq.ConnectionString;
            settings["Bridge:RabbitMQ:Prefix"] = "bench" + Guid.NewGuid().ToString("N")[..8];
        }

        var process = await BridgeProcess.StartAsync(directory.FullName, settings);
        var bridge = new BridgeUnderTest(directory, sink, process, rabbitMq is null ? "embedded" : "rabbitmq");
        await bridge.WaitHealthyAsync();
        return bridge;
    }

    private async Task WaitHealthyAsync()
    {
        using var client = Process.CreateClient();
        var deadline = BenchClock.UtcTicks + TimeSpan.FromSeconds(60).Ticks;
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            if (BenchClock.UtcTicks > deadline)
            {
                throw new TimeoutException($"The bridge was not healthy within 60 s (last {(int)response.StatusCode}):\n{Process.Output}");
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await Sink.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
