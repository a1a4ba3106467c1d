using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bridge.Replay.ReplayJobs;
using Bridge.Subscriptions;
using Bridge.Telemetry;
using Bridge.Topology;
using Microsoft.Extensions.Options;

namespace Bridge.Replay.DeadLetters;

/// <summary>
/// The replay service's observable gauges on the <c>Bridge</c> meter: <c>bridge.dead_letters.depth</c> and
/// <c>bridge.subscription.backlog</c> (state pending or held) per subscription (counted by this loop every
/// <see cref="ReplayOptions.DepthInterval"/>, never inside the callback) and <c>bridge.replay.jobs.remaining</c> per
/// job running in this process.
/// </summary>
internal sealed partial class ReplayMetrics(
    SubscriptionBacklogs backlogs, TopologyCatalog catalog, ReplayJobRunner runner, IOptions<ReplayOptions> options, TimeProvider timeProvider,
    ILogger<ReplayMetrics> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<SubscriptionAddress, SubscriptionBacklogResource> _backlogs = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BridgeTelemetry.Meter.CreateObservableGauge(BridgeTelemetry.DeadLetterDepthName, ObserveDepths, "{envelope}",
            "Dead letters waiting per subscription, counted every few seconds.");
        BridgeTelemetry.Meter.CreateObservableGauge(BridgeTelemetry.SubscriptionBacklogName, ObserveBacklogs, "{envelope}",
            "Envelopes waiting per subscription, by state: pending (can be taken now) or held (scheduled or waiting out a retry delay), counted every few seconds.");
        BridgeTelemetry.Meter.CreateObservableGauge(BridgeTelemetry.ReplayJobRemainingName, ObserveJobs, "{envelope}",
            "Dead letters a running replay job has still to handle.");

        using var timer = new PeriodicTimer(options.Value.DepthInterval, timeProvider);
        do
        {
            await RefreshAsync(stoppingToken);
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RefreshAsync(CancellationToken stoppingToken)
    {
        var subscriptions = catalog.Subscriptions;
        backlogs.Keep(subscriptions.Select(s => s.Address).ToHashSet());
        foreach (var gone in _backlogs.Keys.Except(subscriptions.Select(s => s.Address)))
        {
            _backlogs.TryRemove(gone, out _);
        }

        foreach (var subscription in subscriptions)
        {
            try
            {
                _backlogs[subscription.Address] = await backlogs.CountAsync(subscription.Address, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _backlogs.TryRemove(subscription.Address, out _); // no figure rather than a stale one
                LogCountFailed(logger, ex, subscription.Address.ToString());
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveDepths() =>
        _backlogs.Select(d => new Measurement<long>(d.Value.DeadLettered, new("topic", d.Key.Topic), new("subscription", d.Key.Subscription)));

    private IEnumerable<Measurement<long>> ObserveBacklogs() =>
        _backlogs.SelectMany(b => new[] { (State: "pending", Count: b.Value.Pending), (State: "held", Count: b.Value.Held) }
            .Where(s => s.Count is not null)
            .Select(s => new Measurement<long>(s.Count!.Value,
                new("topic", b.Key.Topic), new("subscription", b.Key.Subscription), new("state", s.State))));

    private IEnumerable<Measurement<long>> ObserveJobs() =>
        runner.Jobs.Select(p => new Measurement<long>(p.Remaining, new("job", p.Job.Id), new("topic", p.Job.Topic), new("subscription", p.Job.Subscription)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counting the dead letters of {Subscription} failed")]
    private static partial void LogCountFailed(ILogger logger, Exception exception, string subscription);
}
