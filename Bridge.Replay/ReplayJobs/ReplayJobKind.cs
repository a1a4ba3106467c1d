using Bridge.Store.Replays;

namespace Bridge.Replay.ReplayJobs;

/// <summary>
/// What a job in <c>replay_jobs</c> sends, told by its id's prefix: <c>rj_</c> replays dead letters, <c>rc_</c>
/// recovers delivered events (see <c>Bridge.Replay.Recovery</c>). Both share the store, the runner, the pacing and the
/// progress; each kind has its own routes and sees only its own jobs.
/// </summary>
public enum ReplayJobKind
{
    /// <summary>A replay of dead letters (<c>rj_</c>).</summary>
    DeadLetters,

    /// <summary>A recovery of delivered events (<c>rc_</c>).</summary>
    Recovery,
}

/// <summary>The id prefix of each <see cref="ReplayJobKind"/>.</summary>
public static class ReplayJobKinds
{
    /// <summary>The id prefix of <paramref name="kind"/>.</summary>
    public static string Prefix(this ReplayJobKind kind) => kind == ReplayJobKind.Recovery ? "rc_" : "rj_";

    /// <summary>The kind of the job with <paramref name="id"/>: recovery for <c>rc_</c>, dead letters otherwise.</summary>
    public static ReplayJobKind KindOf(string id) =>
        id.StartsWith(ReplayJobKind.Recovery.Prefix(), StringComparison.Ordinal) ? ReplayJobKind.Recovery : ReplayJobKind.DeadLetters;

    /// <summary>The kind of <paramref name="job"/>.</summary>
    public static ReplayJobKind Kind(this ReplayJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return KindOf(job.Id);
    }
}
