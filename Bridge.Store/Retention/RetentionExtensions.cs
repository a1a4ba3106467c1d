using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Store.Retention;

/// <summary>Registers the store's retention: its options (<c>Bridge:Store:Retention</c>), checked at start, and the pruning service.</summary>
internal static class RetentionExtensions
{
    public static IServiceCollection AddStoreRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.AddSingleton<StorePruner>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
