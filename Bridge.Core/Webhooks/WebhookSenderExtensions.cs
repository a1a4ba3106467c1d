using Bridge.Webhooks.Destinations;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Webhooks;

/// <summary>Registers the <see cref="WebhookSender"/> and its HttpClient.</summary>
public static class WebhookSenderExtensions
{
    /// <summary>
    /// Adds the <see cref="WebhookSender"/> and the named HttpClient it calls with (no redirects, no client-wide timeout:
    /// each call sets its own, no proxy) whose every connection passes the <see cref="DestinationPolicy"/> (options
    /// <c>Bridge:Webhooks</c>). Safe to call from every service of one process.
    /// </summary>
    public static IServiceCollection AddWebhookSender(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(s => s.ServiceType == typeof(WebhookSender)))
        {
            return services;
        }

        services.AddHttpClient(WebhookSender.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd(WebhookSender.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => GuardedConnection.Handler(sp.GetRequiredService<DestinationPolicy>()));
        services.AddDestinationPolicy();
        services.AddSingleton<Credentials.OAuthTokens>();
        services.AddSingleton<Credentials.EndpointConnections>();
        services.AddSingleton<WebhookSender>();
        return services;
    }

    /// <summary>Adds the <see cref="DestinationPolicy"/>, options <c>Bridge:Webhooks</c> (invalid networks stop the start).</summary>
    public static IServiceCollection AddDestinationPolicy(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(s => s.ServiceType == typeof(DestinationPolicy)))
        {
            return services;
        }

        services.AddOptions<DestinationOptions>().BindConfiguration(DestinationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DestinationPolicy>();
        return services;
    }
}
