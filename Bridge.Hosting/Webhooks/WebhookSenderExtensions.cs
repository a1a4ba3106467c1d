using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Webhooks;

/// <summary>Registers the <see cref="WebhookSender"/> and its HttpClient.</summary>
public static class WebhookSenderExtensions
{
    /// <summary>
    /// Adds the <see cref="WebhookSender"/> and the named HttpClient it calls with (no redirects, no client-wide timeout:
    /// each call sets its own). Safe to call from every service of one process.
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
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Bridge/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                MaxConnectionsPerServer = 256,
            });
        services.AddSingleton<WebhookSender>();
        return services;
    }
}
