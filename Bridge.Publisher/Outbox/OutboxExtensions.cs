using Bridge.Hosting;
using Bridge.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Publisher.Outbox;

/// <summary>Puts the transactional outbox between the publisher and a remote broker.</summary>
internal static class OutboxExtensions
{
    /// <summary>
    /// When <c>Bridge:Outbox:Mode</c> is <c>on</c>, or <c>auto</c> with a remote transport, publishing writes to the store's
    /// outbox and a dispatcher forwards to the transport's own publisher.
    /// </summary>
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var mode = builder.Configuration[$"{OutboxOptions.SectionName}:Mode"] ?? "auto";
        var transport = (builder.Configuration[BridgeHostingExtensions.TransportKey] ?? "embedded").Trim().ToLowerInvariant();
        if (mode == "off" || (mode == "auto" && transport == "embedded"))
        {
            return builder;
        }

        var registration = builder.Services.LastOrDefault(s => s.ServiceType == typeof(ITopicPublisher))
            ?? throw new InvalidOperationException("The outbox needs a transport registered first.");
        builder.Services.RemoveAll<ITopicPublisher>();
        builder.Services.AddSingleton(sp => new TransportPublisher(registration.ImplementationInstance as ITopicPublisher
            ?? (registration.ImplementationFactory is { } factory ? (ITopicPublisher)factory(sp) : (ITopicPublisher)ActivatorUtilities.CreateInstance(sp, registration.ImplementationType!))));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxWriter>();
        builder.Services.AddSingleton<ITopicPublisher, OutboxPublisher>();
        builder.Services.AddHostedService<OutboxDispatcher>();
        return builder;
    }
}
