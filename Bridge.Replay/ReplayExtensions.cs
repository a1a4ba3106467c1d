using Bridge.Hosting;
using Bridge.Replay.Replaying;

namespace Bridge.Replay;

/// <summary>Registers and maps the replay service.</summary>
public static class ReplayExtensions
{
    /// <summary>Adds Bridge core and the replay services: replays and purges.</summary>
    public static IHostApplicationBuilder AddReplay(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBridgeCore();
        builder.Services.AddSingleton<DeadLetterScanner>();
        builder.Services.AddSingleton<DeadLetterAudit>();
        builder.Services.AddSingleton<DeadLetterPurger>();
        builder.Services.AddSingleton<Replayer>();
        return builder;
    }

    /// <summary>Maps the subscriptions, dead-letter and attempts APIs.</summary>
    public static IEndpointRouteBuilder MapReplayApi(this IEndpointRouteBuilder app)
    {
        app.MapSubscriptionsApi();
        app.MapDeadLettersApi();
        app.MapAttemptsApi();
        return app;
    }
}
