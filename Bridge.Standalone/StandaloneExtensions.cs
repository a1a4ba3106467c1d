using Bridge.OpsConsole;
using Bridge.Publisher;
using Bridge.Replay;
using Bridge.Standalone.Samples;
using Bridge.Subscriber;

namespace Bridge.Standalone;

/// <summary>Composes publisher, subscriber and replay in one process.</summary>
public static class StandaloneExtensions
{
    /// <summary>Adds the three services on one shared core (topology, embedded transport, store) and the development samples.</summary>
    public static IHostApplicationBuilder AddStandalone(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPublisher();
        builder.AddSubscriber();
        builder.AddReplay();
        builder.AddSamples();
        return builder;
    }

    /// <summary>Maps the publish, endpoints, replay and sample routes.</summary>
    public static WebApplication MapStandalone(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPublisherApi();
        app.MapSubscriberApi();
        app.MapReplayApi();
        app.MapConsole();
        app.MapSamples();
        return app;
    }
}
