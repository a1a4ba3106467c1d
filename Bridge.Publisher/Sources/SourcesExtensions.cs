using Bridge.Transport.AzureServiceBus.Sources;
using Bridge.Transport.RabbitMQ.Sources;

namespace Bridge.Publisher.Sources;

/// <summary>Registers the broker sources of <c>Bridge:Sources</c>.</summary>
internal static class SourcesExtensions
{
    /// <summary>The source readers, the definitions (checked at start) and, when any source is configured, the pump.</summary>
    public static IServiceCollection AddSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRabbitMqSourceReader();
        services.AddServiceBusSourceReader();
        services.AddSingleton<SourceDefinitions>();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<SourceIngest>();
        services.AddSingleton<SourceReplayer>();
        if (configuration.GetSection(SourceDefinitions.SectionName).GetChildren().Any())
        {
            services.AddHostedService<SourcePump>();
        }

        return services;
    }
}
