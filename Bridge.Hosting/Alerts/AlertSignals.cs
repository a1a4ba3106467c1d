using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bridge.Security;
using Bridge.Telemetry;

namespace Bridge.Hosting.Alerts;

/// <summary>
/// What alert rules look at, taken from this process's own instruments on the <c>Bridge</c> meter with a
/// <see cref="MeterListener"/> (the delivery and publish paths stay as they are): attempts, deliveries and dead letters per
/// subscription and refused requests per publisher, counted per 5 seconds for the last hour; dead-letter depth, circuit
/// state and pause per subscription, read from their gauges at each evaluation.
/// </summary>
public sealed class AlertSignals : IDisposable
{
    /// <summary>Requests refused with 401, 403, 422 or 429, tagged <c>publisher</c> and <c>reason</c>.</summary>
    public const string RefusedName = "bridge.requests.refused";

    internal const string CircuitStateName = "bridge.endpoint.circuit_state";
    internal const string PausedName = "bridge.endpoint.paused";
    private const string DeliveredName = "bridge.deliveries.delivered";
    private const string FailedName = "bridge.attempts.failed";
    private const string DeadLetteredName = "bridge.deliveries.dead_lettered";

    private readonly MeterListener _listener = new();
    private int _active;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, bool> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), SecondCounts> _delivered = new();
    private readonly ConcurrentDictionary<(string, string), SecondCounts> _failed = new();
    private readonly ConcurrentDictionary<(string, string), SecondCounts> _exhausted = new();
    private readonly ConcurrentDictionary<(string Publisher, string Reason), SecondCounts> _refused = new();
    private readonly Dictionary<(string, string), long> _depths = [];
    private readonly Dictionary<(string, string), long> _unavailable = [];

    /// <summary>Prepares the listener; it listens once <see cref="Activate"/> is called.</summary>
    public AlertSignals(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == BridgeTelemetry.Name && instrument.Name is DeliveredName or FailedName or DeadLetteredName or RefusedName
                or BridgeTelemetry.DeadLetterDepthName or CircuitStateName or PausedName)
            {
                _published[instrument.Name] = true;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnCount(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => OnCount(instrument.Name, value, tags));
    }

    /// <summary>
    /// Starts listening (once): called when the first rule is in force, so a process without alert rules spends nothing
    /// on them per delivery. Counting starts then.
    /// </summary>
    public void Activate()
    {
        if (Interlocked.Exchange(ref _active, 1) == 0)
        {
            _listener.Start();
        }
    }

    /// <summary>Whether this process delivers to webhooks (it has endpoint gauges): delivery rules are evaluated here.</summary>
    public bool SeesDeliveries => _published.ContainsKey(CircuitStateName);

    /// <summary>Whether this process counts dead letters (it has the depth gauge): depth rules are evaluated here.</summary>
    public bool SeesDeadLetterDepth => _published.ContainsKey(BridgeTelemetry.DeadLetterDepthName);

    /// <summary>
    /// Reads the gauges afresh (called once per evaluation, never inside the delivery path): what they say is one
    /// snapshot, the evaluation's for the whole round.
    /// </summary>
    public AlertGauges Refresh()
    {
        lock (_depths)
        {
            _depths.Clear();
            _unavailable.Clear();
            _listener.RecordObservableInstruments();
            return new AlertGauges(new Dictionary<(string, string), long>(_depths), _unavailable.Where(u => u.Value > 0).Select(u => u.Key).ToHashSet());
        }
    }

    /// <summary>Delivered and failed attempts per subscription within <paramref name="window"/>.</summary>
    public IEnumerable<((string Topic, string Subscription) Address, long Delivered, long Failed)> Attempts(TimeSpan window)
    {
        var now = Now;
        foreach (var address in _delivered.Keys.Union(_failed.Keys))
        {
            yield return (address, Sum(_delivered, address, now, window), Sum(_failed, address, now, window));
        }
    }

    /// <summary>Envelopes dead-lettered because their retries ran out, per subscription, within <paramref name="window"/>.</summary>
    public IEnumerable<((string Topic, string Subscription) Address, long Count)> Exhausted(TimeSpan window)
    {
        var now = Now;
        return _exhausted.Select(e => (e.Key, e.Value.Sum(now, window)));
    }

    /// <summary>Refused requests per publisher within <paramref name="window"/>, with the count per reason.</summary>
    public IEnumerable<(string Publisher, long Count, IReadOnlyDictionary<string, long> Reasons)> Refused(TimeSpan window)
    {
        var now = Now;
        return _refused
            .Select(r => (r.Key.Publisher, r.Key.Reason, Count: r.Value.Sum(now, window)))
            .GroupBy(r => r.Publisher, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(r => r.Count), (IReadOnlyDictionary<string, long>)g.Where(r => r.Count > 0).ToDictionary(r => r.Reason, r => r.Count, StringComparer.Ordinal)));
    }

    public void Dispose() => _listener.Dispose();

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    private static long Sum(ConcurrentDictionary<(string, string), SecondCounts> counts, (string, string) key, long now, TimeSpan window) =>
        counts.TryGetValue(key, out var c) ? c.Sum(now, window) : 0;

    private void OnCount(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? topic = null, subscription = null, reason = null, publisher = null, mode = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "topic": topic = tag.Value as string; break;
                case "subscription": subscription = tag.Value as string; break;
                case "reason": reason = tag.Value as string; break;
                case "publisher": publisher = tag.Value as string; break;
                case "mode": mode = tag.Value as string; break;
                default: break;
            }
        }

        if (instrument == RefusedName)
        {
            _refused.GetOrAdd((publisher ?? BridgeClaims.Anonymous, reason ?? "other"), _ => new SecondCounts()).Add(Now, value);
            return;
        }
        if (topic is null || subscription is null)
        {
            return;
        }

        var address = (topic, subscription);
        switch (instrument)
        {
            case DeliveredName:
                _delivered.GetOrAdd(address, _ => new SecondCounts()).Add(Now, value);
                break;
            case FailedName:
                _failed.GetOrAdd(address, _ => new SecondCounts()).Add(Now, value);
                break;
            case DeadLetteredName when reason is "MaxAttemptsExceeded" or "MaxDeliveryCountExceeded":
                _exhausted.GetOrAdd(address, _ => new SecondCounts()).Add(Now, value);
                break;
            case BridgeTelemetry.DeadLetterDepthName:
                _depths[address] = value; // observed inside Refresh, under its lock
                break;
            case CircuitStateName when value >= 1: // half-open (probing), open or isolated: not yet taking calls again
            case PausedName when value > 0 && mode is not null:
                _unavailable[address] = 1;
                break;
            case CircuitStateName or PausedName:
                _unavailable.TryAdd(address, 0);
                break;
            default:
                break;
        }
    }

    /// <summary>Counts per 5-second slot for the last hour, in a ring (a slot is reset when its turn comes round again).</summary>
    private sealed class SecondCounts
    {
        private const int Width = 5;
        private const int Slots = 3600 / Width;
        private readonly long[] _counts = new long[Slots];
        private readonly long[] _starts = new long[Slots];

        public void Add(long second, long value)
        {
            var start = second - (second % Width);
            var slot = (int)(start / Width % Slots);
            lock (_counts)
            {
                if (_starts[slot] != start)
                {
                    _starts[slot] = start;
                    _counts[slot] = 0;
                }
                _counts[slot] += value;
            }
        }

        /// <summary>The counts of the slots that began within <paramref name="window"/> before <paramref name="now"/> (to the slot).</summary>
        public long Sum(long now, TimeSpan window)
        {
            var from = now - (long)window.TotalSeconds;
            long total = 0;
            lock (_counts)
            {
                for (var i = 0; i < Slots; i++)
                {
                    if (_starts[i] + Width > from && _starts[i] <= now)
                    {
                        total += _counts[i];
                    }
                }
            }
            return total;
        }
    }
}
