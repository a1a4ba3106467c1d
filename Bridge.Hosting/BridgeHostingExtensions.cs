using Bridge.Hosting.Security;
using Bridge.Hosting.Subscriptions;
using Bridge.Store;
using Bridge.Topology;
using Bridge.Transport.Embedded;
using Bridge.Transport.RabbitMQ;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.Hosting;

/// <summary>What every Bridge service needs: the topology, the selected transport (provisioned at start-up) and the store.</summary>
public static class BridgeHostingExtensions
{
    /// <summary>The configuration key selecting the transport.</summary>
    public const string TransportKey = "Bridge:Transport";

    /// <summary>
    /// Registers the topology, the transport named by <c>Bridge:Transport</c> (<c>embedded</c>, the default, or <c>rabbitmq</c>), topology
    /// provisioning before the services start, and the store.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(s => s.ServiceType == typeof(CoreMarker)))
        {
            return builder; // several services share one process (the standalone host)
        }

        builder.Services.AddSingleton<CoreMarker>();
        builder.Services.TryAddTimeProvider();
        builder.Services.AddBridgeTopology();
        var transport = (builder.Configuration[TransportKey] ?? "embedded").Trim().ToLowerInvariant();
        switch (transport)
        {
            case "embedded":
                builder.Services.AddEmbeddedTransport(builder.Configuration);
                break;
            case "rabbitmq":
                builder.Services.AddRabbitMqTransport(builder.Configuration);
                break;
            default:
                throw new InvalidOperationException(
                    $"{TransportKey} is '{transport}', which this build does not provide. Available: embedded, rabbitmq.");
        }

        builder.Services.AddSingleton<TopologyProvisioning.State>();
        builder.Services.AddHostedService<TopologyProvisioning>();
        builder.Services.AddHealthChecks().AddCheck<TopologyProvisioning.HealthCheck>("broker");
        builder.AddBridgeStore();
        builder.AddBridgeSecurity();
        builder.AddRuntimeSubscriptions();
        return builder;
    }

    private sealed class CoreMarker;

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
