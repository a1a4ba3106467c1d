using Bridge.Benchmarks.Load;
using Bridge.Benchmarks.Measure;
using Bridge.Benchmarks.Reporting;

namespace Bridge.Benchmarks.Scenarios;

/// <summary>
/// The bridge at a steady rate, open loop (<see cref="FixedRateGenerator"/>): latency from each event's scheduled
/// send time to its arrival at the sink. The soak variant runs longer at a higher rate and samples the bridge's
/// resident memory every second.
/// </summary>
internal static class FixedRateScenario
{
    /// <summary>Latency at <see cref="BenchOptions.FixedRate"/>.</summary>
    public static Task<Result> LatencyAsync(BenchOptions options, BridgeUnderTest bridge) =>
        RunAsync(options, bridge, "latency-" + bridge.Transport, $"bridge latency at a steady {options.FixedRate:N0} events/s ({bridge.Transport})",
            options.FixedRate, options.Measure, sampleMemory: false);

    /// <summary>The soak: <see cref="BenchOptions.SoakRate"/> for <see cref="BenchOptions.Soak"/>, memory sampled every second.</summary>
    public static Task<Result> SoakAsync(BenchOptions options, BridgeUnderTest bridge) =>
        RunAsync(options, bridge, "soak-" + bridge.Transport, $"bridge soak, {options.Soak.TotalMinutes:0.#} min at {options.SoakRate:N0} events/s ({bridge.Transport})",
            options.SoakRate, options.Soak, sampleMemory: true);

    private static async Task<Result> RunAsync(BenchOptions options, BridgeUnderTest bridge, string key, string scenario, double rate, TimeSpan measure, bool sampleMemory)
    {
        var pid = bridge.ProcessId;
        var sampler = sampleMemory ? new RssSampler(pid) : null;
        var cpu = CpuMeter.Start(pid);
        var outcome = await FixedRateGenerator.RunAsync(bridge.EventsUrl, bridge.Process.BootstrapKey, rate, options.Warmup, measure);
        var drain = await bridge.Sink.Arrivals.DrainAsync(outcome.Accepted, options.DrainStall, options.DrainLimit);
        var cpuUsed = cpu.Stop();
        if (sampler is not null)
        {
            await sampler.DisposeAsync();
        }

        var delivery = bridge.Sink.Arrivals.Summarize(outcome.Accepted, drain);
        var peak = ProcessProbe.PeakRssMb(pid);
        var throughput = Throughput.EndToEnd(bridge.Sink.Arrivals, outcome.MeasuredFromTicks, delivery);
        return Result.ForBridge(key, scenario, throughput, delivery, cpuUsed) with
        {
            IngestRate = outcome.Accepted.Count / measure.TotalSeconds,
            LatencyFrom = "scheduled send",
            PublishErrors = outcome.Failed,
            PeakRssMb = sampler?.PeakMb ?? peak,
            FinalRssMb = sampler?.LastMb,
            Note = sampler is null
                ? $"generator lag max {outcome.MaxLagMs:0.0} ms"
                : $"RSS sampled {sampler.Samples}× (1/s), VmHWM {peak:0} MB; generator lag max {outcome.MaxLagMs:0.0} ms",
        };
    }
}
