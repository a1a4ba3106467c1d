using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Bridge.Dedupe.Redis;

/// <summary>Plugs the Redis dedupe store into a service host.</summary>
public static class RedisDedupeExtensions
{
    /// <summary>The connection names read, first set wins: <c>dedupe</c> (a store of its own), then <c>cache</c> (an Aspire AppHost's Redis).</summary>
    public static readonly IReadOnlyList<string> ConnectionNames = ["dedupe", "cache"];

    /// <summary>The health check the Aspire client integration adds for its default connection.</summary>
    private const string HealthCheckName = "StackExchange.Redis";

    /// <summary>
    /// Registers the Redis connection through the Aspire client integration (<c>AddRedisClient</c>: the multiplexer,
    /// its health check and its trace spans) on <c>ConnectionStrings:dedupe</c> or <c>ConnectionStrings:cache</c>,
    /// and the dedupe store on it. Redis being a cache here, its health check reports <c>Degraded</c>, not
    /// <c>Unhealthy</c>, when Redis cannot be reached: deliveries go on without it.
    /// </summary>
    public static IHostApplicationBuilder AddRedisDeliveryDedupe(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = ConnectionNames.FirstOrDefault(n => !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(n)))
            ?? throw new InvalidOperationException(
                $"{DedupeOptions.SectionName}:Store is redis but neither ConnectionStrings:dedupe nor ConnectionStrings:cache is set (e.g. 127.0.0.1:6379).");

        builder.AddRedisClient(name, configureOptions: options => RedisConnection.Configure(options));
        builder.Services.Configure<HealthCheckServiceOptions>(o =>
        {
            foreach (var registration in o.Registrations.Where(r => r.Name == HealthCheckName))
            {
                registration.FailureStatus = HealthStatus.Degraded;
            }
        });
        builder.Services.AddSingleton(sp => new RedisConnection(sp.GetRequiredService<IConnectionMultiplexer>));
        builder.Services.AddSingleton<IDeliveryDedupe>(sp => new RedisDeliveryDedupe(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<DedupeOptions>>().Value.Prefix));
        return builder;
    }
}
