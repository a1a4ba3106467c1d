using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bridge.Subscriber.Endpoints;
using Bridge.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Bridge.Tests.Endpoints;

/// <summary>The endpoint guard's state machine, in memory with real time (short breaks).</summary>
public sealed class EndpointGuardTests
{
    private static readonly WebhookCallResult Failed = new(AttemptOutcome.Failed, 503, TimeSpan.Zero, "HTTP 503", null, null);
    private static readonly WebhookCallResult Delivered = new(AttemptOutcome.Delivered, 200, TimeSpan.Zero, null, null, null);
    private static readonly WebhookCallResult Rejected = new(AttemptOutcome.Rejected, 400, TimeSpan.Zero, "HTTP 400", null, null);

    [Fact]
    public async Task Circuit_opens_refuses_calls_then_probes_one_call_at_a_time_after_the_break_and_closes_after_three_successes()
    {
        var guard = Guard(new WebhookOptions { PauseAfterConsecutiveFailures = 0, CircuitBreaker = new() { MinimumThroughput = 2, BreakDuration = TimeSpan.FromMilliseconds(600) } });
        var calls = 0;

        await guard.CallAsync(_ => Count(ref calls, Failed), CancellationToken.None);
        Assert.False(guard.Holding);
        await guard.CallAsync(_ => Count(ref calls, Failed), CancellationToken.None);
        Assert.Equal(CircuitState.Open, guard.Circuit);
        Assert.True(guard.Holding);
        Assert.Null(await guard.CallAsync(_ => Count(ref calls, Delivered), CancellationToken.None));
        Assert.Equal(2, calls);

        var clock = Stopwatch.StartNew();
        var turn = await guard.WaitForTurnAsync(CancellationToken.None);
        Assert.True(turn.IsProbe);
        // The break (600 ms) began a moment before the clock started: allow for that moment on a busy machine.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(350), $"the probe came after {clock.ElapsedMilliseconds} ms, before the break was over");

        var next = guard.WaitForTurnAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(next.IsCompleted, "a second turn must wait while the probe runs");

        var probe = await guard.CallAsync(_ => Count(ref calls, Delivered), CancellationToken.None);
        guard.Record(probe!);
        guard.EndProbe();
        // One success does not close it: the trial goes on at once, one call at a time, until three calls succeeded.
        Assert.True((await next.WaitAsync(TimeSpan.FromSeconds(5))).IsProbe);
        Assert.Equal(CircuitState.HalfOpen, guard.Circuit);
        for (var i = 0; i < 2; i++)
        {
            if (i > 0)
            {
                Assert.True((await guard.WaitForTurnAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5))).IsProbe);
            }

            guard.Record((await guard.CallAsync(_ => Count(ref calls, Delivered), CancellationToken.None))!);
            guard.EndProbe();
        }

        Assert.Equal(CircuitState.Closed, guard.Circuit);
        Assert.False((await guard.WaitForTurnAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5))).IsProbe);
        Assert.Equal(5, calls);
    }

    [Fact]
    public async Task A_run_of_failures_pauses_and_an_answer_resumes_while_a_refusal_also_counts_as_an_answer()
    {
        var guard = Guard(new WebhookOptions { PauseAfterConsecutiveFailures = 3, CircuitBreaker = new() { MinimumThroughput = 1000 } });

        guard.Record(Failed);
        guard.Record(Failed);
        guard.Record(Rejected);
        guard.Record(Failed);
        guard.Record(Failed);
        Assert.Null(guard.Pause);
        guard.Record(Failed);

        Assert.Equal(PauseMode.Automatic, guard.Pause?.Mode);
        Assert.True(guard.Holding);
        Assert.NotNull(guard.NextProbeAt);
        guard.Record(Delivered);
        Assert.Null(guard.Pause);
        Assert.Equal(0, guard.ConsecutiveFailures);
    }

    [Fact]
    public async Task An_envelope_failing_while_held_waits_until_just_past_the_next_probe_the_same_each_time_but_not_under_a_manual_pause()
    {
        var guard = Guard(new WebhookOptions { PauseAfterConsecutiveFailures = 2, ProbeInterval = TimeSpan.FromSeconds(10), CircuitBreaker = new() { MinimumThroughput = 2, BreakDuration = TimeSpan.FromSeconds(4) } });
        await guard.CallAsync(_ => Task.FromResult(Failed), CancellationToken.None);
        await guard.CallAsync(_ => Task.FromResult(Failed), CancellationToken.None);
        Assert.Equal(CircuitState.Open, guard.Circuit);

        // Open: the rest of the break (4 s) and half a break more; a second failure waits no longer than the first.
        Assert.InRange(guard.HeldFailureDelay(), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6));
        Assert.InRange(guard.HeldFailureDelay(), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6));

        // Paused automatically: until the next probe (10 s) and half a probe interval more.
        guard.Record(Failed);
        guard.Record(Failed);
        Assert.Equal(PauseMode.Automatic, guard.Pause?.Mode);
        Assert.InRange(guard.HeldFailureDelay(), TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(15));
        Assert.InRange(guard.HeldFailureDelay(), TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(15));

        guard.PauseManually("ops", null);
        Assert.Equal(TimeSpan.Zero, guard.HeldFailureDelay());
    }

    [Fact]
    public async Task Manual_pause_gives_no_turn_not_even_a_probe_until_resumed()
    {
        var guard = Guard(new WebhookOptions { ProbeInterval = TimeSpan.FromMilliseconds(100) });
        guard.PauseManually("ops", "partner maintenance");
        guard.Record(Delivered);

        var turn = guard.WaitForTurnAsync(CancellationToken.None);
        await Task.Delay(500);
        Assert.False(turn.IsCompleted);
        Assert.Equal(PauseMode.Manual, guard.Pause?.Mode);
        Assert.Null(guard.NextProbeAt);

        await guard.ResumeAsync("ops");
        Assert.False((await turn.WaitAsync(TimeSpan.FromSeconds(5))).IsProbe);
        Assert.False(guard.Holding);
    }

    [Fact]
    public async Task Gauges_report_each_endpoints_circuit_and_pause()
    {
        var name = "gauge-" + Guid.NewGuid().ToString("N")[..8];
        var topology = new TopologyOptions();
        topology.Topics["orders"] = new TopicOptions();
        topology.Topics["orders"].Subscriptions[name] = new SubscriptionOptions { Webhook = new WebhookOptions { Url = "https://hooks.example/x", Secret = TestSecret } };
        var registry = new EndpointRegistry(new TopologyCatalog(Options.Create(topology)), TimeProvider.System, NullLoggerFactory.Instance);
        var guard = registry.Find(new SubscriptionAddress("orders", name))!;

        Assert.Equal([("bridge.endpoint.paused", 0, null), ("bridge.endpoint.circuit_state", 0, null)], Observe(name));
        guard.PauseManually("ops", null);
        Assert.Equal([("bridge.endpoint.paused", 1, "manual"), ("bridge.endpoint.circuit_state", 0, null)], Observe(name));
    }

    private const string TestSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static EndpointGuard Guard(WebhookOptions webhook)
    {
        var address = new SubscriptionAddress("orders", "erp");
        var definition = new SubscriptionDefinition(
            new SubscriptionSpec(address, EnvelopeFilter.All, 5, TimeSpan.FromSeconds(30)),
            new WebhookTarget(new Uri("https://hooks.example/erp"), TestSecret, TimeSpan.FromSeconds(5), 5, 4, TimeSpan.Zero, TimeSpan.Zero)
            {
                Protection = EndpointProtection.From(webhook),
            });
        return new EndpointGuard(definition, TimeProvider.System, NullLogger.Instance);
    }

    private static Task<WebhookCallResult> Count(ref int calls, WebhookCallResult result)
    {
        calls++;
        return Task.FromResult(result);
    }

    private static List<(string, int, string?)> Observe(string subscription)
    {
        var seen = new List<(string, int, string?)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Bridge" && instrument.Name is "bridge.endpoint.paused" or "bridge.endpoint.circuit_state")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            string? subscriptionTag = null;
            string? mode = null;
            foreach (var tag in tags)
            {
                subscriptionTag = tag.Key == "subscription" ? tag.Value as string : subscriptionTag;
                mode = tag.Key == "mode" ? tag.Value as string : mode;
            }

            if (subscriptionTag == subscription)
            {
                seen.Add((instrument.Name, value, mode));
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return [.. seen.OrderByDescending(s => s.Item1, StringComparer.Ordinal)];
    }
}
