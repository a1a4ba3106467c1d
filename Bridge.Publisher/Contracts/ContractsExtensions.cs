using Bridge.Publisher.Contracts;

namespace Bridge.Publisher;

/// <summary>Registers the contract registry and the contract checks on publish.</summary>
public static class ContractsExtensions
{
    /// <summary>Adds the contract registry, its schema cache and <see cref="ContractValidator"/> (options <c>Bridge:Publisher:Contracts</c>).</summary>
    public static IServiceCollection AddContracts(this IServiceCollection services)
    {
        services.AddOptions<ContractOptions>()
            .BindConfiguration(ContractOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ContractCache>();
        services.AddSingleton<ContractRegistry>();
        services.AddSingleton(sp => new ContractValidator(
            sp.GetRequiredService<ContractCache>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ContractOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PublisherOptions>>(),
            sp.GetRequiredService<ILogger<ContractValidator>>()));
        return services;
    }
}
