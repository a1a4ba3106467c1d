using Bridge.Hosting;
using Bridge.Hosting.Alerts;
using Bridge.OpsConsole;
using Bridge.Replay.Audit;
using Bridge.Replay.DeadLetters;
using Bridge.Replay.Recovery;
using Bridge.Replay.ReplayJobs;
using Bridge.Replay.Sweeper;
using Bridge.Subscriptions;
using Bridge.Webhooks;
using Microsoft.Extensions.Options;

namespace Bridge.Replay;

/// <summary>Registers and maps the replay service.</summary>
public static class ReplayExtensions
{
    /// <summary>Adds Bridge core and the replay services: replays, purges, replay and recovery jobs and their runner, the sweeper, the dead-letter metrics, the ops console.</summary>
    public static IHostApplicationBuilder AddReplay(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBridgeCore();
        builder.Services.AddOptions<ReplayOptions>().BindConfiguration(ReplayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ReplayJobOptions>().BindConfiguration(ReplayJobOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SweeperOptions>().BindConfiguration(SweeperOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SweeperOptions>, SweeperOptionsValidator>();

        builder.Services.AddWebhookSender();
        builder.Services.AddSingleton<DeadLetterScanner>();
        builder.Services.AddSingleton<DeadLetterAudit>();
        builder.Services.AddSingleton<DeadLetterPurger>();
        builder.Services.AddSingleton<Replayer>();
        builder.Services.AddSingleton<ReplayJobStore>();
        builder.Services.AddSingleton<OrderedCalls>();
        builder.Services.AddSingleton<CorrectedEndpoint>();
        builder.Services.AddSingleton<RecoveryScanner>();
        builder.Services.AddSingleton<RecoveryExecutor>();
        builder.Services.AddSingleton<ReplayJobExecutor>();
        builder.Services.AddSingleton<ReplayJobRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplayJobRunner>());
        builder.Services.AddHostedService<ReplaySweeper>();
        builder.Services.AddSingleton<SubscriptionBacklogs>();
        builder.Services.AddHostedService<ReplayMetrics>();
        builder.AddConsole();
        return builder;
    }

    /// <summary>Maps the subscriptions, dead-letter, replay-job, recovery-job, attempts, audit and retention APIs.</summary>
    public static IEndpointRouteBuilder MapReplayApi(this IEndpointRouteBuilder app)
    {
        app.MapSubscriptionOverviewApi();
        app.MapDeadLettersApi();
        app.MapReplayJobsApi();
        app.MapRecoveryJobsApi();
        app.MapAttemptsApi();
        app.MapAuditApi();
        app.MapRetentionApi();
        app.MapAlertsApi();
        return app;
    }
}
