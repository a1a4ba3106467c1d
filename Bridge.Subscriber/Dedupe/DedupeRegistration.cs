using Bridge.Dedupe;
using Bridge.Dedupe.Redis;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriber.Dedupe;

/// <summary>Registers the dedupe store named by <c>Bridge:Dedupe:Store</c>.</summary>
internal static class DedupeRegistration
{
    public static IHostApplicationBuilder AddDeliveryDedupe(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DedupeOptions>().BindConfiguration(DedupeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var store = (builder.Configuration[$"{DedupeOptions.SectionName}:Store"] ?? "memory").Trim().ToLowerInvariant();
        switch (store)
        {
            case "redis":
                builder.AddRedisDeliveryDedupe();
                break;
            case "off":
                services.AddSingleton<IDeliveryDedupe, NoDedupe>();
                break;
            default:
                services.AddSingleton<IDeliveryDedupe>(sp => new InProcessDeliveryDedupe(
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<DedupeOptions>>().Value.MaxEntries));
                break;
        }
        return builder;
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
