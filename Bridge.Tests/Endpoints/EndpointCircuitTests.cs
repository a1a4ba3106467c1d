using Bridge.Subscriber.Endpoints;
using Polly.CircuitBreaker;

namespace Bridge.Tests.Endpoints;

/// <summary>The circuit breaker's decisions, on a clock the test moves.</summary>
public sealed class EndpointCircuitTests
{
    [Theory]
    [InlineData(0.2, 1)]
    [InlineData(0.4, 1)]
    [InlineData(0.2, 50)]
    [InlineData(0.4, 50)]
    public void With_the_defaults_an_endpoint_failing_at_random_never_opens_the_circuit(double failureRate, int callsPerSecond)
    {
        var (circuit, clock) = Circuit(new CircuitBreakerOptions());
        var random = new Random(20261207);

        var opened = Run(circuit, clock, 20_000, callsPerSecond, () => random.NextDouble() < failureRate);

        Assert.Equal(0, opened);
    }

    [Fact]
    public void The_old_defaults_opened_on_a_flaky_endpoint_the_new_ones_open_seldom_even_at_60_percent()
    {
        var random = new Random(7);
        var (old, oldClock) = Circuit(new CircuitBreakerOptions { FailureRatio = 0.5, MinimumThroughput = 10 });
        var (current, clock) = Circuit(new CircuitBreakerOptions());

        var oldOpenings = Run(old, oldClock, 5_000, 5, () => random.NextDouble() < 0.4);
        var openings = Run(current, clock, 5_000, 5, () => random.NextDouble() < 0.6);

        Assert.True(oldOpenings >= 10, $"0.5 over 10 calls opened {oldOpenings} times on 40 % failures");
        Assert.InRange(openings, 0, 3);
    }

    [Fact]
    public void An_endpoint_that_is_down_opens_it_once_the_minimum_throughput_failed()
    {
        var (circuit, clock) = Circuit(new CircuitBreakerOptions());

        for (var i = 1; i < 20; i++)
        {
            Assert.Equal(CircuitChange.None, Call(circuit, failed: true));
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(CircuitChange.Opened, Call(circuit, failed: true));
        Assert.Null(circuit.Admit().Ticket);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(30), circuit.OpenUntil);
    }

    [Fact]
    public void Failures_older_than_the_sampling_window_are_forgotten()
    {
        var (circuit, clock) = Circuit(new CircuitBreakerOptions());
        for (var i = 0; i < 19; i++)
        {
            Call(circuit, failed: true);
        }

        clock.Advance(TimeSpan.FromSeconds(31));
        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(CircuitChange.None, Call(circuit, failed: true));
        }

        Assert.Equal(CircuitState.Closed, circuit.State);
    }

    [Fact]
    public void Half_open_needs_three_successes_and_one_failure_among_them_does_not_reopen_it()
    {
        var (circuit, clock) = Opened();
        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(CircuitChange.None, Trial(circuit, failed: false, expectHalfOpening: true));
        Assert.Equal(CircuitChange.None, Trial(circuit, failed: true));
        Assert.Equal(CircuitChange.None, Trial(circuit, failed: false));
        Assert.Equal(CircuitState.HalfOpen, circuit.State);
        Assert.Equal(CircuitChange.Closed, Trial(circuit, failed: false));
        Assert.Equal(CircuitState.Closed, circuit.State);
    }

    [Fact]
    public void A_failed_trial_reopens_it_but_the_successes_it_saw_count_after_the_next_break()
    {
        var (circuit, clock) = Opened();
        clock.Advance(TimeSpan.FromSeconds(30));

        // The first probe fails: still down, another break.
        Assert.Equal(CircuitChange.Opened, Trial(circuit, failed: true, expectHalfOpening: true));
        clock.Advance(TimeSpan.FromSeconds(30));

        // One success, then failures: it reopens only once they make up 90 % of the trial (9 of 10).
        Assert.Equal(CircuitChange.None, Trial(circuit, failed: false, expectHalfOpening: true));
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(CircuitChange.None, Trial(circuit, failed: true));
        }

        Assert.Equal(CircuitChange.Opened, Trial(circuit, failed: true));
        clock.Advance(TimeSpan.FromSeconds(30));

        // The success before the break still counts: two more close it.
        Assert.Equal(CircuitChange.None, Trial(circuit, failed: false, expectHalfOpening: true));
        Assert.Equal(CircuitChange.Closed, Trial(circuit, failed: false));
    }

    [Fact]
    public void A_call_let_through_before_the_circuit_changed_does_not_decide_its_trial()
    {
        var (circuit, clock) = Circuit(new CircuitBreakerOptions());
        var late = circuit.Admit().Ticket!.Value;
        for (var i = 0; i < 20; i++)
        {
            Call(circuit, failed: true);
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitChange.HalfOpened, circuit.Admit().Change);

        Assert.Equal(CircuitChange.None, circuit.Record(late, failed: true));
        Assert.Equal(CircuitState.HalfOpen, circuit.State);
    }

    [Fact]
    public void An_operator_closes_it_at_once()
    {
        var (circuit, _) = Opened();

        Assert.Equal(CircuitChange.Closed, circuit.Close());
        Assert.Equal(CircuitState.Closed, circuit.State);
        Assert.NotNull(circuit.Admit().Ticket);
        Assert.Equal(CircuitChange.None, circuit.Close());
    }

    private static (EndpointCircuit Circuit, ManualClock Clock) Opened()
    {
        var (circuit, clock) = Circuit(new CircuitBreakerOptions());
        for (var i = 0; i < 20; i++)
        {
            Call(circuit, failed: true);
        }

        Assert.Equal(CircuitState.Open, circuit.State);
        return (circuit, clock);
    }

    private static (EndpointCircuit, ManualClock) Circuit(CircuitBreakerOptions options)
    {
        var clock = new ManualClock();
        return (new EndpointCircuit(EndpointProtection.From(new WebhookOptions { CircuitBreaker = options }), clock), clock);
    }

    /// <summary>Calls at <paramref name="callsPerSecond"/>, each failing when <paramref name="fails"/> says; a refused call waits out the break and the trial goes on as the guard's probes would. Returns how often the circuit opened.</summary>
    private static int Run(EndpointCircuit circuit, ManualClock clock, int calls, int callsPerSecond, Func<bool> fails)
    {
        var opened = 0;
        for (var i = 0; i < calls; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1.0 / callsPerSecond));
            if (circuit.Admit().Ticket is not { } ticket)
            {
                clock.Advance(circuit.OpenUntil - clock.GetUtcNow());
                continue;
            }

            opened += circuit.Record(ticket, fails()) == CircuitChange.Opened ? 1 : 0;
        }

        return opened;
    }

    private static CircuitChange Call(EndpointCircuit circuit, bool failed) => circuit.Record(circuit.Admit().Ticket!.Value, failed);

    private static CircuitChange Trial(EndpointCircuit circuit, bool failed, bool expectHalfOpening = false)
    {
        var (ticket, change) = circuit.Admit();
        Assert.Equal(expectHalfOpening ? CircuitChange.HalfOpened : CircuitChange.None, change);
        return circuit.Record(ticket!.Value, failed);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
