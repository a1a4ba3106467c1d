using Bridge.Dedupe;
using Bridge.Dedupe.Redis;
using Bridge.Subscriber.Dedupe;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Bridge.Tests.Dedupe;

/// <summary>
/// How a service host wires the Redis dedupe store: the Aspire client integration's multiplexer on
/// <c>ConnectionStrings:dedupe</c> or <c>ConnectionStrings:cache</c>, with its health check, against a real redis-server.
/// </summary>
public sealed class RedisDedupeRegistrationTests
{
    private static readonly SubscriptionAddress Subscription = new("orders", "erp");
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_store_runs_on_the_Aspire_multiplexer_and_its_health_check_is_degraded_not_unhealthy_while_redis_is_down()
    {
        await using var server = await RedisServer.StartAsync();
        using var host = await StartAsync(("ConnectionStrings:cache", server.ConnectionString));
        var store = host.Services.GetRequiredService<IDeliveryDedupe>();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        Assert.Equal(DedupeOutcome.Claimed, (await store.ClaimAsync(Subscription, "up", Lease, Ct)).Outcome);
        Assert.True(host.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(Ct)).Entries["StackExchange.Redis"].Status);

        await server.StopAsync();
        Assert.Equal(DedupeOutcome.Unavailable, (await store.ClaimAsync(Subscription, "down", Lease, Ct)).Outcome);
        var report = await health.CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Degraded, report.Entries["StackExchange.Redis"].Status);
        Assert.Equal(HealthStatus.Degraded, report.Status);
    }

    [Fact]
    public async Task ConnectionStrings_dedupe_wins_over_the_AppHost_cache()
    {
        await using var dedupe = await RedisServer.StartAsync();
        await using var cache = await RedisServer.StartAsync();
        using var host = await StartAsync(("ConnectionStrings:dedupe", dedupe.ConnectionString), ("ConnectionStrings:cache", cache.ConnectionString));

        await host.Services.GetRequiredService<IDeliveryDedupe>().ClaimAsync(Subscription, "where", Lease, Ct);
        var key = "bridge:dedupe:" + DedupeClaim.DedupeKey(Subscription, "where");

        await using var onDedupe = RedisConnection.Open(dedupe.ConnectionString);
        await using var onCache = RedisConnection.Open(cache.ConnectionString);
        Assert.True(await (await onDedupe.DatabaseAsync()).KeyExistsAsync(key));
        Assert.False(await (await onCache.DatabaseAsync()).KeyExistsAsync(key));
    }

    [Fact]
    public void Without_a_connection_string_the_host_fails_at_start_naming_both_keys()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Builder().AddDeliveryDedupe());

        Assert.Contains("ConnectionStrings:dedupe", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:cache", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartAsync(params (string Key, string Value)[] settings)
    {
        var builder = Builder(settings);
        builder.AddDeliveryDedupe();
        var host = builder.Build();
        await host.StartAsync(Ct);
        return host;
    }

    private static HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection([new("Bridge:Dedupe:Store", "redis"), .. settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))]);
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
