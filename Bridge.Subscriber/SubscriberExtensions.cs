using Bridge.Hosting;
using Bridge.Messaging;
using Bridge.Subscriber.Dedupe;
using Bridge.Subscriber.Delivery;
using Bridge.Subscriber.Endpoints;
using Bridge.Subscriber.Pull;
using Bridge.Subscriptions;
using Bridge.Webhooks;

namespace Bridge.Subscriber;

/// <summary>Registers the subscriber workers.</summary>
public static class SubscriberExtensions
{
    /// <summary>Adds Bridge core and one delivery loop per configured subscription.</summary>
    public static IHostApplicationBuilder AddSubscriber(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBridgeCore();
        builder.Services.AddWebhookSender();
        builder.AddDeliveryDedupe();
        builder.Services.AddSingleton<DedupeGate>();
        builder.Services.AddSingleton<EndpointRegistry>();
        builder.Services.AddSingleton<EndpointPauses>();
        builder.Services.AddSingleton<ISubscriptionPauses, SubscriptionPauses>();
        builder.Services.AddSingleton<ISubscriptionCallsInFlight, SubscriptionCallsInFlight>();
        builder.Services.AddSingleton<EndpointStateStore>();
        builder.Services.AddOptions<EndpointOptions>()
            .BindConfiguration(EndpointOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<EndpointSync>();
        builder.Services.AddSingleton<WebhookClient>();
        builder.Services.AddSingleton<DeliveryAudit>();
        builder.Services.AddSingleton<IDeadLetterObserver, TransportDeadLetterRecorder>();
        builder.Services.AddSingleton<DeliverySettlement>();
        builder.Services.AddSingleton<LeaseKeeper>();
        builder.Services.AddSingleton<DeliveryProcessor>();
        builder.Services.AddSingleton<Delivery.Batches.BatchDeliveryProcessor>();
        builder.Services.AddHostedService<DeliveryService>();
        builder.Services.AddSingleton<PullReceivers>();
        builder.Services.AddHostedService<PullReceiverSync>();
        return builder;
    }

    /// <summary>Maps the subscriber's API: subscriptions at run time, webhook endpoints, their circuits and pauses, pull delivery.</summary>
    public static IEndpointRouteBuilder MapSubscriberApi(this IEndpointRouteBuilder app)
    {
        app.MapSubscriptionManagementApi();
        app.MapEndpointsApi();
        app.MapPullApi();
        return app;
    }
}
