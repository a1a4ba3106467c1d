using Bridge.Dedupe;
using Bridge.Dedupe.Redis;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriber.Dedupe;

/// <summary>Registers the dedupe store named by <c>Bridge:Dedupe:Store</c>.</summary>
internal static class DedupeRegistration
{
    public static IServiceCollection AddDeliveryDedupe(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DedupeOptions>().BindConfiguration(DedupeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var store = (configuration[$"{DedupeOptions.SectionName}:Store"] ?? "memory").Trim().ToLowerInvariant();
        switch (store)
        {
            case "redis":
                // "cache" is the name an Aspire AppHost gives its Redis resource; "dedupe" was first and still counts.
                var connection = configuration.GetConnectionString("dedupe") ?? configuration.GetConnectionString("cache")
                    ?? throw new InvalidOperationException("Bridge:Dedupe:Store is redis but neither ConnectionStrings:dedupe nor ConnectionStrings:cache is set (e.g. 127.0.0.1:6379).");
                services.AddSingleton(new RedisConnection(connection));
                services.AddSingleton<IDeliveryDedupe>(sp => new RedisDeliveryDedupe(
                    sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<IOptions<DedupeOptions>>().Value.Prefix));
                break;
            case "off":
                services.AddSingleton<IDeliveryDedupe, NoDedupe>();
                break;
            default:
                services.AddSingleton<IDeliveryDedupe>(sp => new InProcessDeliveryDedupe(
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<DedupeOptions>>().Value.MaxEntries));
                break;
        }
        return services;
    }

    /// <summary><c>off</c>: every claim is granted; nothing is remembered.</summary>
    private sealed class NoDedupe : IDeliveryDedupe
    {
        public Task<DedupeClaim> ClaimAsync(Bridge.Topology.SubscriptionAddress subscription, string messageId, TimeSpan lease, CancellationToken cancellationToken) =>
            Task.FromResult(new DedupeClaim(subscription, messageId, DedupeOutcome.Claimed, ""));

        public Task<bool> RenewAsync(DedupeClaim claim, TimeSpan lease, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task MarkDeliveredAsync(DedupeClaim claim, TimeSpan window, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ReleaseAsync(DedupeClaim claim, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
