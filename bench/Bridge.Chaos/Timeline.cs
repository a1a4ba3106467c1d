using System.Diagnostics;

namespace Bridge.Chaos;

/// <summary>Counts per second since the run started (up to six hours): publishes accepted, deliveries acknowledged.</summary>
internal sealed class Timeline
{
    private const int Seconds = 6 * 3600;
    private long _started = Stopwatch.GetTimestamp();
    private readonly int[] _accepted = new int[Seconds];
    private readonly int[] _delivered = new int[Seconds];

    public DateTimeOffset StartedAt { get; private set; } = DateTimeOffset.UtcNow;

    /// <summary>Makes now second 0 (the load's start).</summary>
    public void Start()
    {
        _started = Stopwatch.GetTimestamp();
        StartedAt = DateTimeOffset.UtcNow;
    }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public void Accepted() => Interlocked.Increment(ref _accepted[Slot()]);

    public void Delivered() => Interlocked.Increment(ref _delivered[Slot()]);

    public IReadOnlyList<int> AcceptedPerSecond => _accepted;

    public IReadOnlyList<int> DeliveredPerSecond => _delivered;

    private int Slot() => Math.Min((int)Elapsed.TotalSeconds, Seconds - 1);
}
