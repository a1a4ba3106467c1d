using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bridge.Messaging;

/// <summary>What every transport's registration shares.</summary>
public static class TransportRegistration
{
    /// <summary>
    /// Binds a transport's options from <paramref name="section"/>, validated at start-up, taking the connection from the
    /// Aspire-style <c>ConnectionStrings:messaging</c> unless <c>{section}:ConnectionString</c> is set.
    /// </summary>
    public static OptionsBuilder<TOptions> AddTransportOptions<TOptions>(
        this IServiceCollection services, IConfiguration configuration, string section, Action<TOptions, string> setConnectionString)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<TOptions>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var messaging = configuration.GetConnectionString("messaging");
        if (!string.IsNullOrEmpty(messaging) && string.IsNullOrEmpty(configuration[$"{section}:ConnectionString"]))
        {
            options.Configure(o => setConnectionString(o, messaging));
        }

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        return options;
    }
}
