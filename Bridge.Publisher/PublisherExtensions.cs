using Bridge.Hosting;
using Bridge.Publisher.Idempotency;
using Bridge.Publisher.Publishing;

namespace Bridge.Publisher;

/// <summary>Registers the publisher service.</summary>
public static class PublisherExtensions
{
    /// <summary>Adds Bridge core (topology, transport, store) and the publisher's own services.</summary>
    public static IHostApplicationBuilder AddPublisher(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBridgeCore();
        builder.Services.AddOptions<PublisherOptions>()
            .BindConfiguration(PublisherOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<EnvelopeFactory>();
        builder.Services.AddPublishIdempotency();
        builder.Services.AddContracts();
        return builder;
    }
}
