using System.Diagnostics;

namespace Bridge.Benchmarks.Standards;

/// <summary>Times one operation in a loop on the calling thread: nanoseconds and bytes allocated per call, median of 3 runs after a warm-up.</summary>
internal static class MicroTimer
{
    public static (double Nanoseconds, double Bytes) Measure(int iterations, Action operation)
    {
        Run(Math.Max(1, iterations / 10), operation); // warm-up: tiered compilation, pools
        (double, double)[] runs = [Run(iterations, operation), Run(iterations, operation), Run(iterations, operation)];
        Array.Sort(runs);
        return runs[1];
    }

    private static (double Nanoseconds, double Bytes) Run(int iterations, Action operation)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            operation();
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed.TotalNanoseconds / iterations, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)iterations);
    }
}
