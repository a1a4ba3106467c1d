using Bridge.Telemetry;
using Bridge.Threading;
using Bridge.Topology;
using Bridge.Webhooks;
using Polly.CircuitBreaker;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// Protects one subscription's webhook endpoint: a circuit breaker (<see cref="EndpointCircuit"/>) over its calls, an
/// automatic pause after a run of failed calls, an operator's pause, and the optional rate limit. While the circuit is
/// not closed or the endpoint is paused the subscription's loop receives nothing, so its envelopes wait in the broker;
/// envelopes probe the endpoint one at a time when the break is over (and, while paused automatically, once every
/// probe interval).
/// </summary>
internal sealed partial class EndpointGuard
{
    /// <summary>The most an envelope whose call failed while held waits beyond the next probe.</summary>
    private static readonly TimeSpan HeldMargin = TimeSpan.FromSeconds(5);

    private int _inFlight;
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EndpointProtection _protection;
    private readonly EndpointCircuit _circuit;
    private readonly EndpointRateLimit? _rateLimit;
    private readonly ChangeSignal _changed = new();
    private DateTimeOffset _nextProbeAt;
    private bool _probing;
    private int _consecutiveFailures;
    private EndpointPause? _pause;

    public EndpointGuard(SubscriptionDefinition definition, TimeProvider time, ILogger logger, EndpointPause? pause = null)
    {
        Definition = definition;
        _pause = pause;
        _time = time;
        _logger = logger;
        _protection = definition.PushTarget.Protection;
        _rateLimit = _protection.RateLimitPerSecond is { } rate ? new EndpointRateLimit(rate, time) : null;
        _circuit = new EndpointCircuit(_protection, time);
    }

    /// <summary>Raised when the guard itself paused (a run of failures) or resumed (a successful probe) the endpoint.</summary>
    public event Action<EndpointGuard>? PauseChanged;

    public SubscriptionDefinition Definition { get; }

    public CircuitState Circuit => _circuit.State;

    public EndpointPause? Pause
    {
        get
        {
            lock (_sync)
            {
                return _pause;
            }
        }
    }

    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>When the next probe may go, while the endpoint is held; null when it is not held or paused by hand.</summary>
    public DateTimeOffset? NextProbeAt
    {
        get
        {
            lock (_sync)
            {
                return HeldNoLock() && _pause?.Mode != PauseMode.Manual ? ProbeDueNoLock() : null;
            }
        }
    }

    /// <summary>True while the circuit is not closed or the endpoint is paused: a failed call then waits instead of spending an attempt.</summary>
    public bool Holding
    {
        get
        {
            lock (_sync)
            {
                return HeldNoLock();
            }
        }
    }

    private string Address => Definition.Address.ToString();

    /// <summary>The metric tags of this endpoint: topic and subscription.</summary>
    public KeyValuePair<string, object?>[] Tags => [new("topic", Definition.Address.Topic), new("subscription", Definition.Address.Subscription)];

    /// <summary>
    /// Waits until envelopes may be received: at once while the endpoint is healthy, until the probe is due while the
    /// circuit is open or the endpoint paused automatically, until an operator resumes it while paused by hand.
    /// </summary>
    public async Task<EndpointTurn> WaitForTurnAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            TimeSpan? wait;
            lock (_sync)
            {
                changed = _changed.Next;
                if (!HeldNoLock())
                {
                    return new EndpointTurn(IsProbe: false);
                }

                wait = null;
                if (_pause?.Mode != PauseMode.Manual && !_probing)
                {
                    var due = ProbeDueNoLock() - _time.GetUtcNow();
                    if (due <= TimeSpan.Zero)
                    {
                        _probing = true;
                        return new EndpointTurn(IsProbe: true);
                    }
                    wait = due;
                }
            }

            await WaitAsync(changed, wait, cancellationToken);
        }
    }

    /// <summary>Ends a probe turn, whatever came of it (also when nothing was there to probe with).</summary>
    public void EndProbe() => Update(() => _probing = false);

    /// <summary>Takes up to <paramref name="wanted"/> calls from the rate limit, waiting for the first; returns how many.</summary>
    public ValueTask<int> AcquireCallsAsync(int wanted, CancellationToken cancellationToken) =>
        _rateLimit is null ? ValueTask.FromResult(wanted) : _rateLimit.AcquireAsync(wanted, cancellationToken);

    /// <summary>Calls to the endpoint running now, in this process.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Makes a call through the circuit breaker; null when the open circuit refused it (no call was made).</summary>
    public async Task<WebhookCallResult?> CallAsync(Func<CancellationToken, Task<WebhookCallResult>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (ticket, change) = _circuit.Admit();
        OnCircuit(change, null);
        if (ticket is not { } admitted)
        {
            return null;
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            var result = await call(cancellationToken);
            if (result.Outcome is AttemptOutcome.Delivered or AttemptOutcome.Rejected or AttemptOutcome.Failed)
            {
                // An answer (even a refusal) shows the endpoint up; a call cut off by shutdown tells nothing.
                OnCircuit(_circuit.Record(admitted, result.Outcome == AttemptOutcome.Failed), result.Error);
            }

            return result;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// How long an envelope whose call failed while the endpoint is held waits (without spending an attempt) before it
    /// is offered again: until the next probe is due and half a break (half a probe interval while paused) more, at
    /// most <see cref="HeldMargin"/> more. The next probe, and the trial calls after it, take other envelopes first, so
    /// one envelope that is itself at fault cannot keep the circuit from closing; and the wait does not grow with every
    /// such failure, so the envelope, and the later envelopes of its ordering key, go on soon after the endpoint is
    /// back. Nothing while paused by hand: no probe is made.
    /// </summary>
    public TimeSpan HeldFailureDelay()
    {
        lock (_sync)
        {
            if (_pause?.Mode == PauseMode.Manual)
            {
                return TimeSpan.Zero;
            }

            var step = _circuit.State == CircuitState.Closed ? TimeSpan.Zero : _protection.BreakDuration;
            if (_pause?.Mode == PauseMode.Automatic && _protection.ProbeInterval > step)
            {
                step = _protection.ProbeInterval;
            }

            var untilProbe = ProbeDueNoLock() - _time.GetUtcNow();
            return (untilProbe > TimeSpan.Zero ? untilProbe : TimeSpan.Zero) + TimeSpan.FromTicks(Math.Min(step.Ticks / 2, HeldMargin.Ticks));
        }
    }

    /// <summary>Counts a call's outcome: a run of failures pauses the endpoint; an answer ends an automatic pause.</summary>
    public void Record(WebhookCallResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var pauseChanged = false;
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            if (result.Outcome == AttemptOutcome.Failed)
            {
                var failures = Interlocked.Increment(ref _consecutiveFailures);
                if (_pause is null && _protection.PauseAfterConsecutiveFailures > 0 && failures >= _protection.PauseAfterConsecutiveFailures)
                {
                    _pause = new EndpointPause(PauseMode.Automatic, Now(), "bridge", $"{failures} failed calls in a row; last: {result.Error}");
                    pauseChanged = true;
                    LogPausedAutomatically(_logger, Address, failures, result.Error, _protection.ProbeInterval.TotalSeconds);
                }

                if (_pause?.Mode == PauseMode.Automatic)
                {
                    _nextProbeAt = now + _protection.ProbeInterval;
                }
            }
            else if (result.Outcome is AttemptOutcome.Delivered or AttemptOutcome.Rejected)
            {
                Volatile.Write(ref _consecutiveFailures, 0);
                if (_pause?.Mode == PauseMode.Automatic)
                {
                    _pause = null;
                    pauseChanged = true;
                    LogResumedByProbe(_logger, Address);
                }
            }
        }

        Signal(pauseChanged);
    }

    /// <summary>Pauses the endpoint until <see cref="ResumeAsync"/>: its envelopes wait, no probe is made. The caller persists it.</summary>
    public void PauseManually(string by, string? reason)
    {
        lock (_sync)
        {
            _pause = new EndpointPause(PauseMode.Manual, Now(), by, reason);
        }

        LogPausedManually(_logger, Address, by, reason);
        Signal(pauseChanged: false);
    }

    /// <summary>Ends any pause and closes the circuit: deliveries go on at once. The caller persists it.</summary>
    public Task ResumeAsync(string by)
    {
        lock (_sync)
        {
            _pause = null;
            Volatile.Write(ref _consecutiveFailures, 0);
        }

        OnCircuit(_circuit.Close(), null);
        LogResumed(_logger, Address, by);
        Signal(pauseChanged: false);
        return Task.CompletedTask;
    }

    /// <summary>Takes a pause (or its end) decided elsewhere, e.g. by another process; no change when it is the same.</summary>
    public async Task ApplyAsync(EndpointPause? pause)
    {
        bool same;
        lock (_sync)
        {
            same = Equals(_pause, pause);
            if (!same && pause is not null)
            {
                _nextProbeAt = _pause?.Mode == PauseMode.Automatic ? _nextProbeAt : _time.GetUtcNow() + _protection.ProbeInterval;
                _pause = pause;
            }
        }

        if (!same)
        {
            if (pause is null)
            {
                await ResumeAsync("another subscriber");
            }
            else
            {
                Signal(pauseChanged: false);
            }
        }
    }

    /// <summary>Now, to the millisecond the store keeps, so a pause read back equals the one written.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private bool HeldNoLock() => _pause is not null || _circuit.State != CircuitState.Closed;

    private DateTimeOffset ProbeDueNoLock()
    {
        var due = _circuit.State == CircuitState.Closed ? DateTimeOffset.MinValue : _circuit.OpenUntil;
        return _pause?.Mode == PauseMode.Automatic && _nextProbeAt > due ? _nextProbeAt : due;
    }

    private void OnCircuit(CircuitChange change, string? error)
    {
        switch (change)
        {
            case CircuitChange.Opened:
                BridgeTelemetry.CircuitOpened.Add(1, Tags);
                LogCircuitOpened(_logger, Address, _protection.BreakDuration.TotalSeconds, error);
                break;
            case CircuitChange.HalfOpened:
                LogCircuitHalfOpen(_logger, Address, _protection.SuccessesToClose);
                break;
            case CircuitChange.Closed:
                LogCircuitClosed(_logger, Address);
                break;
            default:
                return;
        }

        Signal(pauseChanged: false);
    }

    private void Update(Action change)
    {
        lock (_sync)
        {
            change();
        }

        Signal(pauseChanged: false);
    }

    private void Signal(bool pauseChanged)
    {
        _changed.Raise();
        if (pauseChanged)
        {
            PauseChanged?.Invoke(this);
        }
    }

    private async Task WaitAsync(Task changed, TimeSpan? wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait ?? Timeout.InfiniteTimeSpan, _time, timeout.Token);
        await Task.WhenAny(changed, delay);
        await timeout.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit of {Subscription} opened for {Seconds:0.#} s: its webhook keeps failing (last: {Error}); envelopes wait")]
    private static partial void LogCircuitOpened(ILogger logger, string subscription, double seconds, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of {Subscription} half-open: envelopes probe the webhook one at a time; {Successes} successful calls close it")]
    private static partial void LogCircuitHalfOpen(ILogger logger, string subscription, int successes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of {Subscription} closed: deliveries go on")]
    private static partial void LogCircuitClosed(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paused {Subscription} after {Failures} failed calls in a row (last: {Error}); envelopes wait, a probe goes every {Seconds:0.#} s")]
    private static partial void LogPausedAutomatically(ILogger logger, string subscription, int failures, string? error, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "A probe reached the webhook of {Subscription}: resumed")]
    private static partial void LogResumedByProbe(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paused {Subscription} (by {By}: {Reason}); envelopes wait until it is resumed")]
    private static partial void LogPausedManually(ILogger logger, string subscription, string by, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed {Subscription} (by {By})")]
    private static partial void LogResumed(ILogger logger, string subscription, string by);
}
