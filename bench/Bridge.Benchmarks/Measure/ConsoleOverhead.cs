using System.Diagnostics;
using Bridge.OpsConsole.Metrics;
using Bridge.Telemetry;

namespace Bridge.Benchmarks.Measure;

/// <summary>
/// What the console's in-process aggregates add to the delivery hot path: the instruments one delivery records
/// (delivered, end-to-end latency, attempt duration), timed with and without the console listening, on one thread and
/// on every core at once. Prints nanoseconds per delivery.
/// </summary>
internal static class ConsoleOverhead
{
    private const int Deliveries = 2_000_000;

    public static int Run()
    {
        var threads = Environment.ProcessorCount;
        Console.WriteLine($"console overhead: {Deliveries:N0} deliveries per run, median of 3; 1 thread and {threads} threads");
        var without1 = Median(() => Time(1));
        var withoutN = Median(() => Time(threads));
        using (new ConsoleMetrics(TimeProvider.System))
        {
            var with1 = Median(() => Time(1));
            var withN = Median(() => Time(threads));
            Console.WriteLine($"| threads | without console (ns/delivery) | with console (ns/delivery) | added |");
            Console.WriteLine($"|---|---|---|---|");
            Console.WriteLine($"| 1 | {without1:F0} | {with1:F0} | {with1 - without1:F0} ns |");
            Console.WriteLine($"| {threads} | {withoutN:F0} | {withN:F0} | {withN - withoutN:F0} ns |");
        }

        return 0;
    }

    private static double Time(int threads)
    {
        var tags = new TagList { { "topic", "orders" }, { "subscription", "erp" } };
        var clock = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (var i = 0; i < Deliveries / threads; i++)
            {
                BridgeTelemetry.AttemptDuration.Record(0.012, tags);
                BridgeTelemetry.Delivered.Add(1, tags);
                BridgeTelemetry.EndToEndLatency.Record(0.020 + (i % 100) / 1000.0, tags);
            }
        });
        return clock.Elapsed.TotalMilliseconds * 1_000_000 / Deliveries;
    }

    private static double Median(Func<double> run)
    {
        run(); // warm-up
        double[] runs = [run(), run(), run()];
        Array.Sort(runs);
        return runs[1];
    }
}
