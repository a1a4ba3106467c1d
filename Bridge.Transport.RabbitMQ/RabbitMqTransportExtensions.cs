using Bridge.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Transport.RabbitMQ;

/// <summary>Plugs the RabbitMQ transport into a service collection.</summary>
public static class RabbitMqTransportExtensions
{
    /// <summary>
    /// Uses RabbitMQ. The AMQP URI comes from <c>Bridge:RabbitMQ:ConnectionString</c>, else <c>ConnectionStrings:messaging</c>.
    /// </summary>
    public static IServiceCollection AddRabbitMqTransport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTransportOptions<RabbitMqTransportOptions>(configuration, RabbitMqTransportOptions.SectionName, (o, connection) => o.ConnectionString = connection);
        services.TryAddSingleton<RabbitMqBroker>();
        services.TryAddSingleton<RabbitMqDeadLettering>();
        services.TryAddSingleton<RabbitMqScheduler>();
        services.TryAddSingleton<ITopicPublisher, RabbitMqPublisher>();
        services.TryAddSingleton<DeadLetterObservers>();
        services.TryAddSingleton<RabbitMqReceiverFactory>();
        services.TryAddSingleton<ISubscriptionReceiverFactory>(sp => sp.GetRequiredService<RabbitMqReceiverFactory>());
        services.TryAddSingleton<ITopologyProvisioner, RabbitMqProvisioner>();
        services.TryAddSingleton<IDeadLetterQueue, RabbitMqDeadLetterQueue>();
        services.TryAddSingleton<ISubscriptionBacklog, RabbitMqBacklog>();
        return services;
    }
}
