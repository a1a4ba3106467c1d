using Bridge.Messaging;
using Bridge.Threading;
using Bridge.Topology;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Hosting;

/// <summary>
/// Provisions the configured topology on the broker before the services start. A broker that cannot be reached yet
/// (a process started before its broker, or during an outage) is waited for — retried after 0.5 s, doubling to 10 s,
/// with a warning each time — rather than ending the process; the readiness check says so meanwhile. A topology the
/// broker refuses for good (a configuration error) still stops the start at once.
/// </summary>
internal sealed partial class TopologyProvisioning(
    ITopologyProvisioner provisioner, TopologyCatalog catalog, TopologyProvisioning.State state, TimeProvider timeProvider, ILogger<TopologyProvisioning> logger) : IHostedService
{
    private static readonly Backoff Waits = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await provisioner.ProvisionAsync(catalog.Topics, cancellationToken);
                break;
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var wait = Waits.After(attempt);
                LogBrokerUnreachable(logger, ex, attempt, wait.TotalSeconds);
                await Task.Delay(wait, timeProvider, cancellationToken);
            }
        }

        state.Provisioned = true;
        LogProvisioned(logger, catalog.Topics.Count, catalog.Subscriptions.Count);
    }

    /// <summary>Configuration errors (what the transports throw for a topology they cannot accept) are not waited out.</summary>
    private static bool IsTransient(Exception ex) =>
        ex is not (OperationCanceledException or InvalidOperationException or ArgumentException or NotSupportedException);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker cannot be reached to provision the topology (attempt {Attempt}); trying again in {Seconds:0.#} s")]
    private static partial void LogBrokerUnreachable(ILogger logger, Exception exception, int attempt, double seconds);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioned {Topics} topic(s) and {Subscriptions} subscription(s)")]
    private static partial void LogProvisioned(ILogger logger, int topics, int subscriptions);

    /// <summary>Whether provisioning has completed.</summary>
    internal sealed class State
    {
        public volatile bool Provisioned;
    }

    /// <summary>Ready once the topology is provisioned.</summary>
    internal sealed class HealthCheck(State state) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(state.Provisioned ? HealthCheckResult.Healthy("Topology provisioned.") : HealthCheckResult.Unhealthy("Topology not provisioned yet."));
    }
}
