using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Topology;

/// <summary>Registers the configured topology.</summary>
public static class TopologyServiceCollectionExtensions
{
    /// <summary>Binds <see cref="TopologyOptions"/> from the <c>Bridge</c> section, validates it at start-up and registers the <see cref="TopologyCatalog"/>.</summary>
    public static IServiceCollection AddBridgeTopology(this IServiceCollection services)
    {
        services.AddOptions<TopologyOptions>()
            .BindConfiguration(TopologyOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TopologyOptions>, TopologyValidator>());
        services.TryAddSingleton<TopologyCatalog>();
        return services;
    }
}
