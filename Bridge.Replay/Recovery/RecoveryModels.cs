using Bridge.Replay.ReplayJobs;
using Bridge.Store.Replays;

namespace Bridge.Replay.Recovery;

/// <summary>A recovery job to create: re-send what a subscription delivered in a window.</summary>
/// <param name="From">Start of the window (RFC 3339): events delivered at or after it. Required; at most the topic's event retention ago.</param>
/// <param name="To">End of the window (RFC 3339): events delivered at or before it; now when absent.</param>
/// <param name="Url">
/// A corrected webhook URL (absolute http or https, no credentials, a destination the policy allows) to call instead of
/// the subscription's; only for one subscription.
/// </param>
/// <param name="RatePerSecond">Most events sent per second (default <c>Bridge:Replay:Jobs:DefaultRatePerSecond</c>).</param>
public sealed record CreateRecoveryJobRequest(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Url = null, int? RatePerSecond = null);

/// <summary>A recovery job and its progress.</summary>
/// <param name="Id">The job's id (<c>rc_</c> and 32 hex digits).</param>
/// <param name="Topic">Topic of the subscription.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="Selection">The delivery window it re-sends.</param>
/// <param name="Url">The corrected URL it calls, or null when it calls the subscription's webhook.</param>
/// <param name="RatePerSecond">Most events sent per second.</param>
/// <param name="Status"><c>Queued</c>, <c>Running</c>, <c>Completed</c>, <c>Failed</c> or <c>Cancelled</c>.</param>
/// <param name="Selected">Events the subscription delivered in the window (known once it runs).</param>
/// <param name="Sent">Sent again and answered 2xx.</param>
/// <param name="Skipped">Selected but not sendable: the audit trail kept only the event's attributes, not its envelope.</param>
/// <param name="Failed">Calls that failed, and later events of their ordering key held back behind them (not retried).</param>
/// <param name="Remaining">Selected and not handled yet.</param>
/// <param name="Percent">Share of the selection handled, 0 to 100.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="StartedAt">When it started running.</param>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="RequestedBy">Who created it.</param>
/// <param name="Error">Why it failed.</param>
public sealed record RecoveryJobView(
    string Id,
    string Topic,
    string Subscription,
    RecoverySelection Selection,
    string? Url,
    int RatePerSecond,
    string Status,
    int Selected,
    int Sent,
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
    internal static RecoveryJobView From(ReplayJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new RecoveryJobView(
            job.Id, job.Topic, job.Subscription, RecoverySelection.FromJson(job.FilterJson), job.TargetUrl, job.RatePerSecond,
            job.Status.ToString(), job.Total, job.Replayed, job.Skipped, job.FailedCount, ReplayJobView.RemainingOf(job), ReplayJobView.PercentOf(job),
            job.CreatedAt, job.StartedAt, job.CompletedAt, job.RequestedBy, job.Error);
    }
}

/// <summary>The recovery jobs of a topic's push subscriptions, one each, made by one request.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Jobs">One job per push subscription.</param>
public sealed record RecoveryJobSet(string Topic, IReadOnlyList<RecoveryJobView> Jobs);

/// <summary>A page of recovery jobs, newest first; pass <see cref="Next"/> as <c>before</c> for the next page.</summary>
public sealed record RecoveryJobPage(IReadOnlyList<RecoveryJobView> Items, string? Next);
