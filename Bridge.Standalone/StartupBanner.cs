using Bridge.Topology;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bridge.Standalone;

/// <summary>Prints where the bridge listens and what it serves once it is started.</summary>
internal sealed partial class StartupBanner(IServer server, IHostApplicationLifetime lifetime, TopologyCatalog catalog, ILogger<StartupBanner> logger) : IHostedService
{
    /// <summary>The first address the server listens on, once started.</summary>
    public static Uri? BaseAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is null ? null : new Uri(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var url = BaseAddress(server)?.ToString().TrimEnd('/') ?? "(unknown)";
            var topics = string.Join(", ", catalog.Topics.Select(t => $"{t.Name} ({t.Subscriptions.Count} subscription(s))"));
            LogBanner(logger, url, topics.Length == 0 ? "none configured (see README: Configuration)" : topics);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = """
        Bridge standalone is running.
              Publish:      POST {Url}/api/topics/{{topic}}/events   (batch: …/events/batch)
              Credentials:   Authorization: Bearer <API key>   (the bootstrap key is Bridge:Security:BootstrapKey; publishers and keys: {Url}/api/publishers)
              Subscriptions: GET {Url}/api/subscriptions
              Dead letters:  GET {Url}/api/topics/{{topic}}/subscriptions/{{subscription}}/dead-letters
              Health:        GET {Url}/health   Liveness: GET {Url}/alive
              Topics:        {Topics}
        """)]
    private static partial void LogBanner(ILogger logger, string url, string topics);
}
