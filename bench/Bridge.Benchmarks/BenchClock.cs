using System.Diagnostics;

namespace Bridge.Benchmarks;

/// <summary>
/// The harness's one clock: UTC ticks anchored to the wall clock once at start and advanced by the monotonic
/// stopwatch, so send times, arrival times and durations never jump with wall-clock adjustments.
/// </summary>
internal static class BenchClock
{
    private static readonly long EpochUtcTicks = DateTime.UtcNow.Ticks;
    private static readonly long EpochTimestamp = Stopwatch.GetTimestamp();

    /// <summary>Now, in UTC ticks (100 ns since 0001-01-01).</summary>
    public static long UtcTicks => EpochUtcTicks + Stopwatch.GetElapsedTime(EpochTimestamp).Ticks;

    /// <summary>Milliseconds between two tick values.</summary>
    public static double Milliseconds(long fromTicks, long toTicks) => (toTicks - fromTicks) / (double)TimeSpan.TicksPerMillisecond;
}
