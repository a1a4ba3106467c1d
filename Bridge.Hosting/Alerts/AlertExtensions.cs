using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bridge.Hosting.Alerts;

/// <summary>Registers alerting: the rules (<c>Bridge:Alerts</c>, checked at start), the signals, the evaluator and the notifier.</summary>
public static class AlertExtensions
{
    /// <summary>Adds alerting to a Bridge service; each service checks the rules whose signals it has.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(s => s.ServiceType == typeof(AlertEvaluator)))
        {
            return services;
        }

        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();
        services.AddSingleton<AlertSignals>();
        services.AddSingleton<AlertConditions>();
        services.AddSingleton<AlertRuleStore>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return services;
    }

    /// <summary>Says this process serves the publish API, so <see cref="AlertKind.PublishRefusals"/> rules are checked here.</summary>
    public static IServiceCollection AddAlertSource(this IServiceCollection services, AlertKind kind)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new AlertSource(kind));
        return services;
    }
}
