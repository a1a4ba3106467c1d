using Bridge.Hosting;
using Bridge.Subscriber.Dedupe;
using Bridge.Subscriber.Delivery;
using Bridge.Subscriber.Endpoints;

namespace Bridge.Subscriber;

/// <summary>Registers the subscriber workers.</summary>
public static class SubscriberExtensions
{
    /// <summary>The named HttpClient used for webhook calls.</summary>
    public const string WebhookClientName = "bridge-webhooks";

    /// <summary>Adds Bridge core and one delivery loop per configured subscription.</summary>
    public static IHostApplicationBuilder AddSubscriber(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBridgeCore();
        builder.Services.AddHttpClient(WebhookClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // each subscription sets its own per-attempt timeout
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Bridge/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                MaxConnectionsPerServer = 256,
            });
        builder.Services.AddDeliveryDedupe(builder.Configuration);
        builder.Services.AddSingleton<DedupeGate>();
        builder.Services.AddSingleton<EndpointRegistry>();
        builder.Services.AddSingleton<EndpointPauses>();
        builder.Services.AddSingleton<EndpointStateStore>();
        builder.Services.AddOptions<EndpointOptions>()
            .BindConfiguration(EndpointOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<EndpointSync>();
        builder.Services.AddSingleton<WebhookClient>();
        builder.Services.AddSingleton<DeliveryAudit>();
        builder.Services.AddSingleton<DeliveryProcessor>();
        builder.Services.AddHostedService<DeliveryService>();
        return builder;
    }

    /// <summary>Maps the subscriber's operations API: webhook endpoints, their circuits and pauses.</summary>
    public static IEndpointRouteBuilder MapSubscriberApi(this IEndpointRouteBuilder app)
    {
        app.MapEndpointsApi();
        return app;
    }
}
