using Bridge.Hosting.Alerts;
using Bridge.Security;
using Bridge.Store;
using Bridge.Store.SqlServer;
using Bridge.Subscriptions;
using Bridge.Topology;
using Bridge.Transport.AzureServiceBus;
using Bridge.Transport.Embedded;
using Bridge.Transport.RabbitMQ;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.Hosting;

/// <summary>What every Bridge service needs: the topology, the selected transport (provisioned at start-up) and the store.</summary>
public static class BridgeHostingExtensions
{
    /// <summary>The configuration key selecting the transport.</summary>
    public const string TransportKey = "Bridge:Transport";

    /// <summary>
    /// Registers the topology, the transport named by <c>Bridge:Transport</c> (<c>embedded</c>, the default, <c>rabbitmq</c>, <c>azureservicebus</c>, or one
    /// added with <see cref="AddBridgeTransport"/>), topology
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
        var transports = new Dictionary<string, Action<IServiceCollection, IConfiguration>>(StringComparer.Ordinal)
        {
            ["embedded"] = (services, configuration) => services.AddEmbeddedTransport(configuration),
            ["rabbitmq"] = (services, configuration) => services.AddRabbitMqTransport(configuration),
            [AzureServiceBusTransportExtensions.TransportName] = (services, configuration) => services.AddAzureServiceBusTransport(configuration),
        };
        foreach (var added in builder.Services.Select(s => s.ImplementationInstance).OfType<AddedTransport>())
        {
            transports[added.Name] = added.Register;
        }

        if (!transports.TryGetValue(transport, out var register))
        {
            throw new InvalidOperationException(
                $"{TransportKey} is '{transport}', which this build does not provide. Available: {string.Join(", ", transports.Keys.Order(StringComparer.Ordinal))}.");
        }

        register(builder.Services, builder.Configuration);
        builder.Services.AddSingleton<TopologyProvisioning.State>();
        builder.Services.AddHostedService<TopologyProvisioning>();
        builder.Services.AddHealthChecks().AddCheck<TopologyProvisioning.HealthCheck>("broker");
        builder.AddBridgeStoreProvider(new SqlServerStoreProvider());
        builder.AddBridgeStore();
        builder.AddBridgeSecurity();
        builder.AddRuntimeSubscriptions();
        builder.Services.AddAlerts();
        return builder;
    }

    /// <summary>
    /// Offers another transport (e.g. the Azure edition's Azure Service Bus), selected like the built-in ones when
    /// <c>Bridge:Transport</c> is <paramref name="name"/>; <paramref name="register"/> adds its port implementations.
    /// Call it before <see cref="AddBridgeCore"/>.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeTransport(
        this IHostApplicationBuilder builder, string name, Action<IServiceCollection, IConfiguration> register)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(register);
        builder.Services.AddSingleton(new AddedTransport(name.Trim().ToLowerInvariant(), register));
        return builder;
    }

    private sealed class CoreMarker;

    private sealed record AddedTransport(string Name, Action<IServiceCollection, IConfiguration> Register);

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
