using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>Plugs the Azure Service Bus transport into a service collection.</summary>
public static class AzureServiceBusTransportExtensions
{
    /// <summary>The value of <c>Bridge:Transport</c> that selects it.</summary>
    public const string TransportName = "azureservicebus";

    /// <summary>
    /// Uses Azure Service Bus. The connection comes from <c>Bridge:AzureServiceBus:ConnectionString</c>, else
    /// <c>ConnectionStrings:messaging</c>: a connection string, or a namespace reached with <c>DefaultAzureCredential</c>.
    /// A <c>ServiceBusClient</c> already registered (e.g. by the Aspire client integration) is used for sending and receiving.
    /// </summary>
    public static IServiceCollection AddAzureServiceBusTransport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTransportOptions<AzureServiceBusTransportOptions>(
            configuration, AzureServiceBusTransportOptions.SectionName, (o, connection) => o.ConnectionString = connection);
        services.TryAddSingleton<ServiceBusConnection>();
        services.TryAddSingleton<DeliveryLimits>();
        services.TryAddSingleton<ITopicPublisher, AzureServiceBusPublisher>();
        services.TryAddSingleton<DeadLetterObservers>();
        services.TryAddSingleton<ISubscriptionReceiverFactory, AzureServiceBusReceiverFactory>();
        services.TryAddSingleton<ITopologyProvisioner, AzureServiceBusProvisioner>();
        services.TryAddSingleton<IDeadLetterQueue, AzureServiceBusDeadLetterQueue>();
        services.TryAddSingleton<ISubscriptionBacklog, AzureServiceBusBacklog>();
        var connection = configuration[$"{AzureServiceBusTransportOptions.SectionName}:ConnectionString"] is { Length: > 0 } own ? own : configuration.GetConnectionString("messaging") ?? string.Empty;
        if (ServiceBusEmulator.IsEmulator(connection))
        {
            services.TryAddSingleton<IFixedTopology>(new FixedServiceBusTopology(FixedServiceBusTopology.Emulator));
        }
        else if (!configuration.GetValue($"{AzureServiceBusTransportOptions.SectionName}:ManageEntities", true))
        {
            services.TryAddSingleton<IFixedTopology>(new FixedServiceBusTopology(FixedServiceBusTopology.ManagedElsewhere));
        }

        return services;
    }
}

/// <summary>Creates session receivers of provisioned subscriptions.</summary>
internal sealed class AzureServiceBusReceiverFactory(
    ServiceBusConnection connection,
    DeliveryLimits limits,
    DeadLetterObservers observers,
    IOptions<AzureServiceBusTransportOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : ISubscriptionReceiverFactory
{
    public ISubscriptionReceiver CreateReceiver(SubscriptionAddress address) =>
        new AzureServiceBusReceiver(connection, address, options.Value, limits, observers, time, loggers.CreateLogger<AzureServiceBusReceiver>());
}
