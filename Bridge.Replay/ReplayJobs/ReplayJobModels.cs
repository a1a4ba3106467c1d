using Bridge.Replay.DeadLetters;
using Bridge.Store.Replays;

namespace Bridge.Replay.ReplayJobs;

/// <summary>A replay job to create.</summary>
/// <param name="Filter">Which dead letters to replay; every dead letter (dead-lettered before the job) when absent.</param>
/// <param name="RatePerSecond">Most dead letters replayed per second (default <c>Bridge:Replay:Jobs:DefaultRatePerSecond</c>).</param>
/// <param name="TargetUrl">
/// A corrected webhook URL (absolute http or https, no credentials): the job delivers each dead letter there itself,
/// signed with the subscription's secret, instead of sending it back into the subscription.
/// </param>
public sealed record CreateReplayJobRequest(DeadLetterFilter? Filter = null, int? RatePerSecond = null, string? TargetUrl = null);

/// <summary>A replay job and its progress.</summary>
/// <param name="Id">The job's id (<c>rj_</c> and 32 hex digits).</param>
/// <param name="Topic">Topic of the subscription.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="Filter">The dead letters it takes.</param>
/// <param name="TargetUrl">The corrected endpoint it delivers to, or null when it replays into the subscription.</param>
/// <param name="RatePerSecond">Most dead letters replayed per second.</param>
/// <param name="Status"><c>Queued</c>, <c>Running</c>, <c>Completed</c>, <c>Failed</c> or <c>Cancelled</c>.</param>
/// <param name="Total">Dead letters selected.</param>
/// <param name="Replayed">Replayed so far.</param>
/// <param name="Skipped">Selected but gone from the queue when their turn came.</param>
/// <param name="Failed">Deliveries to the corrected endpoint that failed (the dead letters stay).</param>
/// <param name="Remaining">Selected and not handled yet.</param>
/// <param name="Percent">Share of the selection handled, 0 to 100.</param>
/// <param name="CreatedAt">When it was created; it takes dead letters dead-lettered until then.</param>
/// <param name="StartedAt">When it started running.</param>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="RequestedBy">Who created it (<c>sweeper</c> for the scheduled sweeper).</param>
/// <param name="Error">Why it failed.</param>
public sealed record ReplayJobView(
    string Id,
    string Topic,
    string Subscription,
    DeadLetterSelection Filter,
    string? TargetUrl,
    int RatePerSecond,
    string Status,
    int Total,
    int Replayed,
    int Skipped,
    int Failed,
    int Remaining,
    double Percent,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string RequestedBy,
    string? Error)
{
    internal static ReplayJobView From(ReplayJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new ReplayJobView(
            job.Id, job.Topic, job.Subscription, DeadLetterSelection.FromJson(job.FilterJson), job.TargetUrl, job.RatePerSecond,
            job.Status.ToString(), job.Total, job.Replayed, job.Skipped, job.FailedCount, RemainingOf(job), PercentOf(job),
            job.CreatedAt, job.StartedAt, job.CompletedAt, job.RequestedBy, job.Error);
    }

    /// <summary>What the job selected and has not handled yet.</summary>
    internal static int RemainingOf(ReplayJob job) => Math.Max(0, job.Total - job.Replayed - job.Skipped - job.FailedCount);

    /// <summary>The share of the job's selection handled, 0 to 100 (100 for a completed job that selected nothing).</summary>
    internal static double PercentOf(ReplayJob job)
    {
        var handled = job.Replayed + job.Skipped + job.FailedCount;
        return job.Total == 0 ? (job.Status == ReplayJobStatus.Completed ? 100 : 0) : Math.Round(100.0 * Math.Min(handled, job.Total) / job.Total, 1);
    }
}

/// <summary>A page of replay jobs, newest first; pass <see cref="Next"/> as <c>before</c> for the next page.</summary>
public sealed record ReplayJobPage(IReadOnlyList<ReplayJobView> Items, string? Next);

/// <summary>The query of a replay-job list.</summary>
/// <param name="Topic">Only jobs of this topic.</param>
/// <param name="Subscription">Only jobs of this subscription name.</param>
/// <param name="Status">Only jobs with this status.</param>
/// <param name="Before">The <c>next</c> of the previous page.</param>
/// <param name="Limit">Page size, 1 to 200 (default 50).</param>
public sealed record ReplayJobQuery(string? Topic, string? Subscription, string? Status, string? Before, int? Limit);
