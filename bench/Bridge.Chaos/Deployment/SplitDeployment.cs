using System.Globalization;
using Bridge.Testing;

namespace Bridge.Chaos.Deployment;

/// <summary>
/// The bridge as separate processes — publisher, two subscribers, replay — on a real rabbitmq-server, redis-server
/// (delivery dedupe) and PostgreSQL (the store), all on 127.0.0.1 free ports with their data in temp directories.
/// One topic <c>orders</c> with one subscription <c>receiver</c> whose webhook is the run's receiver.
/// </summary>
internal sealed class SplitDeployment : IAsyncDisposable
{
    public const string Topic = "orders";
    public const string Subscription = "receiver";

    /// <summary>The webhook secret of the run (development only, generated per run).</summary>
    public string Secret { get; } = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    public string BootstrapKey { get; } = BridgeProcess.NewBootstrapKey();

    public required RabbitMqServer RabbitMq { get; init; }

    public required RedisServer Redis { get; init; }

    public required PostgreSqlServer PostgreSql { get; init; }

    public required string StoreConnectionString { get; init; }

    public required string LogDirectory { get; init; }

    public ServiceProcess Publisher { get; private set; } = null!;

    public IReadOnlyList<ServiceProcess> Subscribers { get; private set; } = [];

    public ServiceProcess Replay { get; private set; } = null!;

    public static async Task<SplitDeployment> StartServersAsync(string logDirectory)
    {
        var rabbitMq = await RabbitMqServer.StartAsync("bridge-chaos");
        var redis = await RedisServer.StartAsync();
        var postgres = await PostgreSqlServer.StartAsync();
        var store = await postgres.CreateDatabaseAsync("bridgedb");
        return new SplitDeployment { RabbitMq = rabbitMq, Redis = redis, PostgreSql = postgres, StoreConnectionString = store, LogDirectory = logDirectory };
    }

    /// <summary>Starts the publisher first (it creates the store's schema), then the subscribers and replay.</summary>
    public async Task StartServicesAsync(Uri webhook)
    {
        var settings = Settings(webhook);
        Publisher = await ServiceProcess.StartAsync("publisher", "Bridge.Publisher", settings, LogDirectory);
        Subscribers =
        [
            await ServiceProcess.StartAsync("subscriber-1", "Bridge.Subscriber", settings, LogDirectory),
            await ServiceProcess.StartAsync("subscriber-2", "Bridge.Subscriber", settings, LogDirectory),
        ];
        Replay = await ServiceProcess.StartAsync("replay", "Bridge.Replay", settings, LogDirectory);
    }

    private Dictionary<string, string> Settings(Uri webhook)
    {
        const string subscription = $"Bridge:Topics:{Topic}:Subscriptions:{Subscription}";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings:messaging"] = RabbitMq.ConnectionString,
            ["ConnectionStrings:cache"] = Redis.ConnectionString,
            ["ConnectionStrings:bridgedb"] = StoreConnectionString,
            ["Bridge:Transport"] = "rabbitmq",
            ["Bridge:Store:Provider"] = "postgresql",
            ["Bridge:Dedupe:Store"] = "redis",
            ["Bridge:Security:BootstrapKey"] = BootstrapKey,
            ["Bridge:Security:RateLimit:PermitsPerSecond"] = "100000",
            ["Bridge:Security:RateLimit:Burst"] = "100000",
            ["Bridge:Webhooks:AllowedNetworks:0"] = "127.0.0.1/32",
            [$"Bridge:Topics:{Topic}:Description"] = "Orders of the fault run",
            [$"{subscription}:Webhook:Url"] = webhook.ToString(),
            [$"{subscription}:Webhook:Secret"] = Secret,
            [$"{subscription}:Webhook:MaxAttempts"] = "10",
            [$"{subscription}:Webhook:Concurrency"] = "32",
            [$"{subscription}:Webhook:Timeout"] = "00:00:05",
            [$"{subscription}:Webhook:RetryBaseDelay"] = "00:00:00.200",
            [$"{subscription}:Webhook:MaxRetryDelay"] = "00:00:02",
            [$"{subscription}:LockDuration"] = "00:00:30",
            // The receiver fails 40 % of calls on purpose: a circuit that opened at the default 50 % (sampled over as few
            // as 10 calls) would hold deliveries for 30 s at a time, which is the breaker's test, not this run's.
            [$"{subscription}:Webhook:CircuitBreaker:FailureRatio"] = "0.9",
            [$"{subscription}:Webhook:CircuitBreaker:MinimumThroughput"] = "200",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Bridge"] = "Warning",
        };
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"rabbitmq-server :{RabbitMq.Port}, redis-server :{Redis.Port}, PostgreSQL :{PostgreSql.Port}; publisher {Publisher.BaseAddress}, subscribers {string.Join(", ", Subscribers.Select(s => s.BaseAddress))}, replay {Replay.BaseAddress}");

    /// <summary>Stops every service and server, each whatever happened to the others (a server a fault left broken included).</summary>
    public async ValueTask DisposeAsync()
    {
        IEnumerable<IAsyncDisposable?> parts = [Publisher, Replay, .. Subscribers, RabbitMq, Redis, PostgreSql];
        foreach (var part in parts.OfType<IAsyncDisposable>())
        {
            try
            {
                await part.DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException)
            {
                Console.Error.WriteLine($"Stopping {part.GetType().Name} failed: {ex.Message}");
            }
        }
    }
}
