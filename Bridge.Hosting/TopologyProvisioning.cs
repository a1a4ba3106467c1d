using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Hosting;

/// <summary>Provisions the configured topology on the broker before the services start.</summary>
internal sealed partial class TopologyProvisioning(
    ITopologyProvisioner provisioner, TopologyCatalog catalog, TopologyProvisioning.State state, ILogger<TopologyProvisioning> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await provisioner.ProvisionAsync(catalog.Topics, cancellationToken);
        state.Provisioned = true;
        LogProvisioned(logger, catalog.Topics.Count, catalog.Subscriptions.Count);
    }

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
