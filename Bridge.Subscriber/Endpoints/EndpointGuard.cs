using System.Collections.Concurrent;
using Bridge.Telemetry;
using Bridge.Threading;
using Bridge.Topology;
using Bridge.Webhooks;
using Polly;
using Polly.CircuitBreaker;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// Protects one subscription's webhook endpoint: a circuit breaker (Polly) over its calls, an automatic pause after a
/// run of failed calls, an operator's pause, and the optional rate limit. While the circuit is open or the endpoint is
/// paused the subscription's loop receives nothing, so its envelopes wait in the broker; one envelope probes the
/// endpoint when the break is over (and, while paused automatically, once every probe interval).
/// </summary>
internal sealed partial class EndpointGuard
{
    private int _inFlight;
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EndpointProtection _protection;
    private readonly ResiliencePipeline<WebhookCallResult> _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly CircuitBreakerManualControl _control = new();
    private readonly EndpointRateLimit? _rateLimit;
    private readonly ConcurrentDictionary<string, int> _heldFailures = new(StringComparer.Ordinal);
    private readonly ChangeSignal _changed = new();
    private DateTimeOffset _blockedUntil;
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
        _pipeline = new ResiliencePipelineBuilder<WebhookCallResult> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<WebhookCallResult>
            {
                FailureRatio = _protection.FailureRatio,
                MinimumThroughput = _protection.MinimumThroughput,
                SamplingDuration = _protection.SamplingDuration,
                BreakDuration = _protection.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Outcome: AttemptOutcome.Failed }),
                StateProvider = _circuit,
                ManualControl = _control,
                OnOpened = args => Changed(() =>
                {
                    _blockedUntil = _time.GetUtcNow() + args.BreakDuration;
                    BridgeTelemetry.CircuitOpened.Add(1, Tags);
                    LogCircuitOpened(_logger, Address, args.BreakDuration.TotalSeconds, args.Outcome.Result?.Error ?? args.Outcome.Exception?.Message);
                }),
                OnHalfOpened = _ => Changed(() => LogCircuitHalfOpen(_logger, Address)),
                OnClosed = _ => Changed(() => LogCircuitClosed(_logger, Address)),
            })
            .Build();
    }

    /// <summary>Raised when the guard itself paused (a run of failures) or resumed (a successful probe) the endpoint.</summary>
    public event Action<EndpointGuard>? PauseChanged;

    public SubscriptionDefinition Definition { get; }

    public CircuitState Circuit => _circuit.CircuitState;

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
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await _pipeline.ExecuteAsync(static async (call, token) => await call(token), call, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            if (ex.RetryAfter is { } retryAfter)
            {
                Update(() =>
                {
                    var until = _time.GetUtcNow() + retryAfter;
                    _blockedUntil = until > _blockedUntil ? until : _blockedUntil;
                });
            }
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// How long an envelope whose call failed while the endpoint is held waits (without spending an attempt) before it
    /// is offered again: past the next probe (two probe intervals, four from its second such failure on), so the probes
    /// go round the waiting envelopes rather than retrying one that may itself be at fault, while an endpoint that comes
    /// back sees every envelope again within four intervals. Nothing while paused by hand: no probe is made.
    /// </summary>
    public TimeSpan HeldFailureDelay(string messageId)
    {
        TimeSpan step;
        lock (_sync)
        {
            if (_pause?.Mode == PauseMode.Manual)
            {
                return TimeSpan.Zero;
            }

            step = _circuit.CircuitState == CircuitState.Closed ? TimeSpan.Zero : _protection.BreakDuration;
            if (_pause?.Mode == PauseMode.Automatic && _protection.ProbeInterval > step)
            {
                step = _protection.ProbeInterval;
            }
        }

        if (_heldFailures.Count >= 10_000)
        {
            _heldFailures.Clear();
        }

        var failures = _heldFailures.AddOrUpdate(messageId, 1, static (_, count) => count + 1);
        return step * (failures == 1 ? 2 : 4);
    }

    /// <summary>Counts a call's outcome: a run of failures pauses the endpoint; an answer ends an automatic pause.</summary>
    public void Record(WebhookCallResult result, string messageId)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Outcome != AttemptOutcome.Failed)
        {
            _heldFailures.TryRemove(messageId, out _);
        }

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
    public async Task ResumeAsync(string by)
    {
        lock (_sync)
        {
            _pause = null;
            Volatile.Write(ref _consecutiveFailures, 0);
            _blockedUntil = DateTimeOffset.MinValue;
        }

        if (_circuit.CircuitState != CircuitState.Closed)
        {
            await _control.CloseAsync();
        }

        LogResumed(_logger, Address, by);
        Signal(pauseChanged: false);
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

    private bool HeldNoLock() => _pause is not null || _circuit.CircuitState != CircuitState.Closed;

    private DateTimeOffset ProbeDueNoLock()
    {
        var due = _circuit.CircuitState == CircuitState.Closed ? DateTimeOffset.MinValue : _blockedUntil;
        return _pause?.Mode == PauseMode.Automatic && _nextProbeAt > due ? _nextProbeAt : due;
    }

    private ValueTask Changed(Action change)
    {
        Update(change);
        return ValueTask.CompletedTask;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of {Subscription} half-open: one envelope probes the webhook")]
    private static partial void LogCircuitHalfOpen(ILogger logger, string subscription);

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
