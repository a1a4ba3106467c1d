using Bridge.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Transport.Embedded;

/// <summary>Plugs the embedded transport into a service collection.</summary>
public static class EmbeddedTransportExtensions
{
    /// <summary>
    /// Uses the embedded SQLite broker. The file comes from <c>Bridge:Embedded:ConnectionString</c>, else
    /// <c>ConnectionStrings:messaging</c>, else <c>Data Source=data/broker.db</c>.
    /// </summary>
    public static IServiceCollection AddEmbeddedTransport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTransportOptions<EmbeddedTransportOptions>(configuration, EmbeddedTransportOptions.SectionName, (o, connection) => o.ConnectionString = connection);
        services.TryAddSingleton<EmbeddedDatabase>();
        services.TryAddSingleton<ITopicPublisher, EmbeddedPublisher>();
        services.TryAddSingleton<DeadLetterObservers>();
        services.TryAddSingleton<ISubscriptionReceiverFactory, EmbeddedReceiverFactory>();
        services.TryAddSingleton<ITopologyProvisioner, EmbeddedProvisioner>();
        services.TryAddSingleton<IDeadLetterQueue, EmbeddedDeadLetterQueue>();
        services.TryAddSingleton<ISubscriptionBacklog, EmbeddedBacklog>();
        return services;
    }
}
