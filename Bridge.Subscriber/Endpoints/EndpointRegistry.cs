using System.Diagnostics.Metrics;
using Bridge.Telemetry;
using Bridge.Topology;
using Polly.CircuitBreaker;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// The <see cref="EndpointGuard"/> of every configured subscription, and the gauges that show their circuits and pauses
/// (<c>bridge.endpoint.circuit_state</c>: 0 closed, 1 half-open, 2 open, 3 isolated; <c>bridge.endpoint.paused</c>: 1
/// while paused, tag <c>mode</c>).
/// </summary>
internal sealed class EndpointRegistry
{
    private readonly Dictionary<SubscriptionAddress, EndpointGuard> _guards;

    public EndpointRegistry(TopologyCatalog catalog, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var logger = loggers.CreateLogger<EndpointGuard>();
        _guards = catalog.Subscriptions.ToDictionary(s => s.Address, s => new EndpointGuard(s, time, logger));
        BridgeTelemetry.Meter.CreateObservableGauge("bridge.endpoint.circuit_state", ObserveCircuits, "{state}",
            "Circuit breaker state of each webhook endpoint: 0 closed, 1 half-open, 2 open, 3 isolated.");
        BridgeTelemetry.Meter.CreateObservableGauge("bridge.endpoint.paused", ObservePauses, "{endpoint}",
            "1 while a webhook endpoint is paused (tag mode: manual or automatic), else 0.");
    }

    public IReadOnlyCollection<EndpointGuard> All => _guards.Values;

    public EndpointGuard? Find(SubscriptionAddress address) => _guards.GetValueOrDefault(address);

    public EndpointGuard Get(SubscriptionAddress address) =>
        _guards.TryGetValue(address, out var guard) ? guard : throw new InvalidOperationException($"Subscription {address} is not configured.");

    private IEnumerable<Measurement<int>> ObserveCircuits() =>
        _guards.Values.Select(g => new Measurement<int>(CircuitValue(g.Circuit), g.Tags));

    private IEnumerable<Measurement<int>> ObservePauses() =>
        _guards.Values.Select(g => g.Pause is { } pause
            ? new Measurement<int>(1, [.. g.Tags, new("mode", pause.ModeName)])
            : new Measurement<int>(0, g.Tags));

    private static int CircuitValue(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        _ => 3,
    };
}
