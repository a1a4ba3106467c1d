using System.Diagnostics;
using Bridge.Benchmarks.Baselines;
using Bridge.Benchmarks.Reporting;
using Bridge.Benchmarks.Scenarios;
using Bridge.Testing;

namespace Bridge.Benchmarks;

/// <summary>
/// One benchmark run: a rabbitmq-server for the run, the baselines, the bridge scenarios on both transports, then the
/// markdown report on stdout (and in <see cref="BenchOptions.Output"/> with <c>--full</c>). Progress goes to stderr.
/// </summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var wall = Stopwatch.StartNew();
        var measuredAt = DateTimeOffset.UtcNow;
        var results = new List<Result>();

        Progress("starting rabbitmq-server");
        await using var rabbitMq = await RabbitMqServer.StartAsync("bridge-bench");
        var machine = await MachineFacts.CollectAsync(rabbitMq);

        var all = options.Transport is null && !options.SoakOnly;
        if (all)
        {
            await Step(results, () => NoOpKestrelBaseline.RunAsync(options));
            await Step(results, () => EmbeddedTransportBaseline.RunAsync(options));
            await Step(results, () => RabbitMqBaseline.RunAsync(options, rabbitMq));
        }

        if (!options.SoakOnly && options.Transport is null or "embedded")
        {
            await using var bridge = await BridgeUnderTest.StartAsync(rabbitMq: null);
            // Max rate first: it warms the bridge up (JIT tiering) before the latency is measured.
            await Step(results, () => MaxRateScenario.RunAsync(options, bridge, batch: false));
            await Step(results, () => MaxRateScenario.RunAsync(options, bridge, batch: true));
            await Step(results, () => FixedRateScenario.LatencyAsync(options, bridge));
        }

        if (!options.SoakOnly && options.Transport is null or "rabbitmq")
        {
            await using var bridge = await BridgeUnderTest.StartAsync(rabbitMq);
            await Step(results, () => MaxRateScenario.RunAsync(options, bridge, batch: false));
            await Step(results, () => FixedRateScenario.LatencyAsync(options, bridge));
        }

        if (all || options.SoakOnly)
        {
            await using var bridge = await BridgeUnderTest.StartAsync(rabbitMq: null);
            await Step(results, () => FixedRateScenario.SoakAsync(options, bridge));
        }

        Console.WriteLine();
        Console.WriteLine(Targets.Markdown(results));
        Console.WriteLine(ResultTable.Markdown(results));
        Console.WriteLine($"{machine.Cores} cores, {machine.CpuModel}, {machine.Os}, {machine.DotNet}, {machine.RabbitMq}, {machine.Wrk}; load average at start {machine.LoadAverage}; {wall.Elapsed.TotalSeconds:0} s wall.");
        if (options.Output is { } output)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, BenchmarkDocument.Markdown(options, machine, results, measuredAt, wall.Elapsed));
            Console.WriteLine($"Wrote {output}.");
        }
        return 0;
    }

    private static async Task Step(List<Result> results, Func<Task<Result>> scenario)
    {
        var result = await scenario();
        results.Add(result);
        Progress($"{result.Scenario}: {Format.Rate(result.Rate)} {result.Unit}"
            + (result.Latency.P99 is { } p99 ? $", p99 {Format.Ms(p99)} ms" : "")
            + (result.Lost is { } lost ? $", lost {lost}, pending {result.Pending}, dup {result.Duplicates}" : "")
            + (result.CpuMicrosPerEvent is { } micros ? $", bridge CPU {Format.One(micros)} µs/event" : "")
            + (result.PeakRssMb is { } rss ? $", RSS peak {Format.One(rss)} MB" : ""));
    }

    private static void Progress(string line) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
