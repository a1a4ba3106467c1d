namespace Bridge.Benchmarks.Measure;

/// <summary>CPU a process used over one phase: seconds, and cores on average (2.0 = both cores of a 2-core machine).</summary>
internal sealed class CpuMeter
{
    private readonly int _pid;
    private readonly double _startSeconds;
    private readonly long _startTicks;

    private CpuMeter(int pid)
    {
        _pid = pid;
        _startSeconds = ProcessProbe.CpuSeconds(pid);
        _startTicks = BenchClock.UtcTicks;
    }

    public static CpuMeter Start(int pid) => new(pid);

    public (double Seconds, double Cores) Stop()
    {
        var seconds = ProcessProbe.CpuSeconds(_pid) - _startSeconds;
        var elapsed = TimeSpan.FromTicks(BenchClock.UtcTicks - _startTicks).TotalSeconds;
        return (seconds, elapsed > 0 ? seconds / elapsed : 0);
    }
}
