using Bridge.Hosting;
using Bridge.Hosting.Alerts;
using Bridge.Publisher.Contracts;
using Bridge.Publisher.Idempotency;
using Bridge.Publisher.Outbox;
using Bridge.Publisher.Publishing;
using Bridge.Publisher.Sources;
using Bridge.Publisher.Xml;
using Bridge.Security;

namespace Bridge.Publisher;

/// <summary>Registers the publisher service.</summary>
public static class PublisherExtensions
{
    /// <summary>Adds Bridge core (topology, transport, store) and the publisher's own services.</summary>
    public static IHostApplicationBuilder AddPublisher(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBridgeCore();
        builder.AddOutbox();
        builder.Services.AddAlertSource(AlertKind.PublishRefusals);
        builder.Services.AddOptions<PublisherOptions>()
            .BindConfiguration(PublisherOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<EnvelopeFactory>();
        builder.Services.AddPublishIdempotency();
        builder.Services.AddContracts();
        builder.Services.AddOptions<XmlOptions>().BindConfiguration(XmlOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<XmlTransforms>();
        builder.Services.AddSingleton<XmlEvents>();
        builder.Services.AddSources(builder.Configuration);
        return builder;
    }

    /// <summary>Maps every publisher route: publish, topics, publishers, contracts and XML transforms.</summary>
    public static IEndpointRouteBuilder MapPublisherApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPublishApi();
        app.MapTopicsApi();
        app.MapPublishersApi();
        app.MapContractsApi();
        app.MapTransformsApi();
        app.MapSourcesApi();
        return app;
    }
}
