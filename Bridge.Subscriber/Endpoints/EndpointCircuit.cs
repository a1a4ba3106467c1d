using Bridge.Topology;
using Polly.CircuitBreaker;

namespace Bridge.Subscriber.Endpoints;

/// <summary>What a recorded call or an admission changed in an <see cref="EndpointCircuit"/>.</summary>
internal enum CircuitChange
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>The circuit opened: calls stop for the break.</summary>
    Opened,

    /// <summary>The break is over: calls go one at a time to see whether the endpoint is back.</summary>
    HalfOpened,

    /// <summary>Enough calls after a break succeeded: calls go on.</summary>
    Closed,
}

/// <summary>A call let through by an <see cref="EndpointCircuit"/>; its outcome counts only while the circuit is as it was.</summary>
internal readonly record struct CircuitTicket(long Generation);

/// <summary>
/// Decides whether a webhook endpoint is down. Closed, it counts calls over a sliding window of
/// <see cref="EndpointProtection.SamplingDuration"/> (ten buckets) and opens when at least
/// <see cref="EndpointProtection.FailureRatio"/> of at least <see cref="EndpointProtection.MinimumThroughput"/> calls
/// failed. After <see cref="EndpointProtection.BreakDuration"/> it is half-open: a trial of calls (the caller sends
/// them one at a time) closes it after <see cref="EndpointProtection.SuccessesToClose"/> successes. A failed trial call
/// opens it again only while failures make up the ratio of the trial's calls (or reach the minimum throughput); the
/// successes it saw are kept over the next break, so an endpoint that answers most calls is not sent back to the start
/// by one failure. Closing seeds the window with the trial's calls. A call's outcome counts only in the state (and
/// trial) it was let through in: calls that were in flight when the circuit opened do not decide its trial.
/// </summary>
internal sealed class EndpointCircuit
{
    private const int Buckets = 10;
    private readonly EndpointProtection _protection;
    private readonly TimeProvider _time;
    private readonly object _sync = new();
    private readonly long _bucketTicks;
    private readonly long[] _bucketSlots = new long[Buckets];
    private readonly int[] _bucketCalls = new int[Buckets];
    private readonly int[] _bucketFailures = new int[Buckets];
    private CircuitState _state = CircuitState.Closed;
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;
    private long _generation;
    private int _trialSuccesses;
    private int _trialFailures;

    public EndpointCircuit(EndpointProtection protection, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(protection);
        _protection = protection;
        _time = time;
        _bucketTicks = Math.Max(1, protection.SamplingDuration.Ticks / Buckets);
    }

    public CircuitState State
    {
        get
        {
            lock (_sync)
            {
                return _state;
            }
        }
    }

    /// <summary>When the current break ends (in the past once it has).</summary>
    public DateTimeOffset OpenUntil
    {
        get
        {
            lock (_sync)
            {
                return _openUntil;
            }
        }
    }

    /// <summary>Lets a call through (null while the circuit is open); the first call after a break half-opens it.</summary>
    public (CircuitTicket? Ticket, CircuitChange Change) Admit()
    {
        lock (_sync)
        {
            if (_state != CircuitState.Open)
            {
                return (new CircuitTicket(_generation), CircuitChange.None);
            }

            if (_time.GetUtcNow() < _openUntil)
            {
                return (null, CircuitChange.None);
            }

            _state = CircuitState.HalfOpen;
            _generation++;
            return (new CircuitTicket(_generation), CircuitChange.HalfOpened);
        }
    }

    /// <summary>Counts the outcome of a call let through with <paramref name="ticket"/>; says what it changed.</summary>
    public CircuitChange Record(CircuitTicket ticket, bool failed)
    {
        lock (_sync)
        {
            if (ticket.Generation != _generation)
            {
                return CircuitChange.None;
            }

            var now = _time.GetUtcNow();
            return _state switch
            {
                CircuitState.Closed => RecordClosed(now, failed),
                CircuitState.HalfOpen => RecordTrial(now, failed),
                _ => CircuitChange.None,
            };
        }
    }

    /// <summary>Closes the circuit at once (an operator resumed the endpoint), forgetting what was counted.</summary>
    public CircuitChange Close()
    {
        lock (_sync)
        {
            var was = _state;
            Reset(CircuitState.Closed);
            _openUntil = DateTimeOffset.MinValue;
            return was == CircuitState.Closed ? CircuitChange.None : CircuitChange.Closed;
        }
    }

    private CircuitChange RecordClosed(DateTimeOffset now, bool failed)
    {
        Count(now, 1, failed ? 1 : 0);
        if (!failed)
        {
            return CircuitChange.None;
        }

        var (calls, failures) = Totals(now);
        if (calls < _protection.MinimumThroughput || !RatioReached(failures, calls))
        {
            return CircuitChange.None;
        }

        _trialSuccesses = 0;
        return Open(now);
    }

    private CircuitChange RecordTrial(DateTimeOffset now, bool failed)
    {
        if (!failed)
        {
            if (++_trialSuccesses < _protection.SuccessesToClose)
            {
                return CircuitChange.None;
            }

            var (successes, failures) = (_trialSuccesses, _trialFailures);
            Reset(CircuitState.Closed);
            Count(now, successes + failures, failures);
            return CircuitChange.Closed;
        }

        _trialFailures++;
        var calls = _trialSuccesses + _trialFailures;
        return RatioReached(_trialFailures, calls) || _trialFailures >= _protection.MinimumThroughput
            ? Open(now)
            : CircuitChange.None;
    }

    /// <summary>True when <paramref name="failures"/> make up at least the failure ratio of <paramref name="calls"/> (0.9 of 10 is 9).</summary>
    private bool RatioReached(int failures, int calls) => failures >= (_protection.FailureRatio * calls) - 1e-9;

    private CircuitChange Open(DateTimeOffset now)
    {
        var successes = _trialSuccesses;
        Reset(CircuitState.Open);
        _trialSuccesses = successes;
        _openUntil = now + _protection.BreakDuration;
        return CircuitChange.Opened;
    }

    private void Reset(CircuitState state)
    {
        _state = state;
        _generation++;
        _trialSuccesses = 0;
        _trialFailures = 0;
        Array.Clear(_bucketSlots);
        Array.Clear(_bucketCalls);
        Array.Clear(_bucketFailures);
    }

    private void Count(DateTimeOffset now, int calls, int failures)
    {
        var slot = now.UtcTicks / _bucketTicks;
        var i = (int)(slot % Buckets);
        if (_bucketSlots[i] != slot)
        {
            _bucketSlots[i] = slot;
            _bucketCalls[i] = 0;
            _bucketFailures[i] = 0;
        }

        _bucketCalls[i] += calls;
        _bucketFailures[i] += failures;
    }

    private (int Calls, int Failures) Totals(DateTimeOffset now)
    {
        var slot = now.UtcTicks / _bucketTicks;
        var (calls, failures) = (0, 0);
        for (var i = 0; i < Buckets; i++)
        {
            if (_bucketSlots[i] > slot - Buckets)
            {
                calls += _bucketCalls[i];
                failures += _bucketFailures[i];
            }
        }

        return (calls, failures);
    }
}
