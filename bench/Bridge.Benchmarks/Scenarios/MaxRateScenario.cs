using Bridge.Benchmarks.Load;
using Bridge.Benchmarks.Measure;
using Bridge.Benchmarks.Reporting;

namespace Bridge.Benchmarks.Scenarios;

/// <summary>
/// The bridge at its maximum rate: wrk posts single events (or batches) as fast as the publisher answers, after a
/// warm-up whose events are drained first. wrk cannot stamp each request, so latency runs from the CloudEvent
/// <c>time</c> the bridge set on acceptance to the arrival at the sink. Whatever the measurement left undelivered is
/// delivered (up to 5 minutes) before the scenario returns, so the next phase on the same bridge starts drained.
/// </summary>
internal static class MaxRateScenario
{
    private static readonly TimeSpan SettleStall = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromMinutes(5);

    public static async Task<Result> RunAsync(BenchOptions options, BridgeUnderTest bridge, bool batch)
    {
        var url = batch ? bridge.BatchUrl : bridge.EventsUrl;
        var body = batch ? Payloads.Batch(options.BatchSize) : Payloads.Event(0);
        var arrivals = bridge.Sink.Arrivals;

        // Batches are accepted an order of magnitude faster than they are delivered: a short phase (after a short
        // warm-up, the single-publish phase has warmed the bridge) keeps the backlog within the drain limit.
        var warmupTime = batch ? TimeSpan.FromSeconds(Math.Min(1, options.Warmup.TotalSeconds)) : options.Warmup;
        var measureTime = batch ? options.BatchMeasure : options.Measure;
        var warmup = await Wrk.RunAsync(url, body, "application/json", options.Connections, warmupTime, bridge.Process.BootstrapKey);
        await arrivals.DrainAsync(warmup.Ids, options.DrainStall, options.DrainLimit);

        var cpu = CpuMeter.Start(bridge.ProcessId);
        var started = BenchClock.UtcTicks;
        var run = await Wrk.RunAsync(url, body, "application/json", options.Connections, measureTime, bridge.Process.BootstrapKey);
        var drain = await arrivals.DrainAsync(run.Ids, options.DrainStall, options.DrainLimit);
        var cpuUsed = cpu.Stop();

        var delivery = arrivals.Summarize(run.Ids, drain);
        if (delivery.Pending > 0)
        {
            // Measured; now let the bridge deliver the rest, so the next phase starts without this one's backlog.
            await arrivals.DrainAsync(run.Ids, SettleStall, SettleLimit);
        }

        var shape = batch ? $"batch publish, {options.BatchSize} events per request" : "single publish";
        var key = (batch ? "batch-" : "max-") + bridge.Transport;
        var rate = Throughput.EndToEnd(arrivals, started, delivery);
        return Result.ForBridge(key, $"bridge max rate, {shape} ({bridge.Transport})", rate, delivery, cpuUsed) with
        {
            IngestRate = run.EventsPerSecond,
            TransportBaseline = "raw-" + bridge.Transport,
            ComparedWithKestrel = true,
            LatencyFrom = "CloudEvent time (accepted)",
            PublishErrors = run.Failed,
            PeakRssMb = ProcessProbe.PeakRssMb(bridge.ProcessId),
            Note = batch ? $"{run.RequestsPerSecond:N0} batch req/s" : null,
        };
    }
}
