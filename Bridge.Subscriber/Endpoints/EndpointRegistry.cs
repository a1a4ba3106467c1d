using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bridge.Telemetry;
using Bridge.Topology;
using Polly.CircuitBreaker;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// The <see cref="EndpointGuard"/> of every subscription this process delivers, and the gauges that show their circuits and
/// pauses (<c>bridge.endpoint.circuit_state</c>: 0 closed, 1 half-open, 2 open, 3 isolated; <c>bridge.endpoint.paused</c>:
/// 1 while paused, tag <c>mode</c>). Subscriptions come and go at run time: a changed one gets a new guard that keeps the
/// pause of the old one.
/// </summary>
internal sealed class EndpointRegistry
{
    private readonly ConcurrentDictionary<SubscriptionAddress, EndpointGuard> _guards = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public EndpointRegistry(TopologyCatalog catalog, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _time = time;
        _logger = loggers.CreateLogger<EndpointGuard>();
        foreach (var subscription in catalog.Subscriptions.Where(s => s.Webhook is not null))
        {
            Get(subscription);
        }

        BridgeTelemetry.Meter.CreateObservableGauge("bridge.endpoint.circuit_state", ObserveCircuits, "{state}",
            "Circuit breaker state of each webhook endpoint: 0 closed, 1 half-open, 2 open, 3 isolated.");
        BridgeTelemetry.Meter.CreateObservableGauge("bridge.endpoint.paused", ObservePauses, "{endpoint}",
            "1 while a webhook endpoint is paused (tag mode: manual or automatic), else 0.");
    }

    /// <summary>Raised when a guard paused or resumed its endpoint by itself.</summary>
    public event Action<EndpointGuard>? PauseChanged;

    public IReadOnlyCollection<EndpointGuard> All => [.. _guards.Values];

    public EndpointGuard? Find(SubscriptionAddress address) => _guards.GetValueOrDefault(address);

    /// <summary>The guard of <paramref name="definition"/>: the existing one, or a new one (keeping the pause) when the subscription changed.</summary>
    public EndpointGuard Get(SubscriptionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        while (true)
        {
            var existing = _guards.GetValueOrDefault(definition.Address);
            if (existing is not null && existing.Definition.IsSameRevision(definition))
            {
                return existing;
            }

            var guard = new EndpointGuard(definition, _time, _logger, existing?.Pause);
            if (existing is null ? _guards.TryAdd(definition.Address, guard) : _guards.TryUpdate(definition.Address, guard, existing))
            {
                guard.PauseChanged += changed => PauseChanged?.Invoke(changed);
                return guard;
            }
        }
    }

    /// <summary>Forgets the guard of a subscription that is gone.</summary>
    public void Remove(SubscriptionAddress address) => _guards.TryRemove(address, out _);

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
