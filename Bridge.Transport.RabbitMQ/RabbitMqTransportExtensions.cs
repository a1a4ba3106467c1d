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
        var options = services.AddOptions<RabbitMqTransportOptions>()
            .BindConfiguration(RabbitMqTransportOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var messaging = configuration.GetConnectionString("messaging");
        if (!string.IsNullOrEmpty(messaging) && string.IsNullOrEmpty(configuration[$"{RabbitMqTransportOptions.SectionName}:ConnectionString"]))
        {
            options.Configure(o => o.ConnectionString = messaging);
        }

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RabbitMqBroker>();
        services.TryAddSingleton<RabbitMqDeadLettering>();
        services.TryAddSingleton<RabbitMqScheduler>();
        services.TryAddSingleton<ITopicPublisher, RabbitMqPublisher>();
        services.TryAddSingleton<ISubscriptionReceiverFactory, RabbitMqReceiverFactory>();
        services.TryAddSingleton<ITopologyProvisioner, RabbitMqProvisioner>();
        services.TryAddSingleton<IDeadLetterQueue, RabbitMqDeadLetterQueue>();
        return services;
    }
}
