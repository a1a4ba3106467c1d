using Bridge.Store.Replays;

namespace Bridge.Replay.ReplayJobs;

/// <summary>The counters of a job while it runs, read by the progress writer and the metrics at any time.</summary>
internal sealed class ReplayJobProgress(ReplayJob job)
{
    private int _total = job.Total;
    private int _replayed = job.Replayed;
    private int _skipped = job.Skipped;
    private int _failed = job.FailedCount;

    public ReplayJob Job { get; } = job;

    public int Total { get => Volatile.Read(ref _total); set => Volatile.Write(ref _total, value); }

    public int Replayed { get => Volatile.Read(ref _replayed); set => Volatile.Write(ref _replayed, value); }

    public int Skipped { get => Volatile.Read(ref _skipped); set => Volatile.Write(ref _skipped, value); }

    public int Failed { get => Volatile.Read(ref _failed); set => Volatile.Write(ref _failed, value); }

    /// <summary>Dead letters of the selection not handled yet.</summary>
    public int Remaining => Math.Max(0, Total - Replayed - Skipped - Failed);

    public void AddReplayed(int count) => Interlocked.Add(ref _replayed, count);

    public void AddSkipped(int count) => Interlocked.Add(ref _skipped, count);

    public void AddFailed(int count) => Interlocked.Add(ref _failed, count);
}
