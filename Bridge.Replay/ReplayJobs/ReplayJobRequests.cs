using Bridge.Store.Replays;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Replay.ReplayJobs;

/// <summary>The checks and handlers replay jobs and recovery jobs share: rate, target URL, list, get and cancel by kind.</summary>
internal static class ReplayJobRequests
{
    /// <summary>The requested rate, or the default; a rate out of range adds an error for <c>ratePerSecond</c>.</summary>
    public static int Rate(int? requested, ReplayJobOptions options, Dictionary<string, string[]> errors)
    {
        var rate = requested ?? options.DefaultRatePerSecond;
        if (rate < 1 || rate > options.MaxRatePerSecond)
        {
            errors["ratePerSecond"] = [$"'ratePerSecond' must be between 1 and {options.MaxRatePerSecond} (was {rate})."];
        }
        return rate;
    }

    /// <summary>A corrected endpoint must be an absolute http or https URL without credentials, like any webhook URL.</summary>
    public static bool TryParseTarget(string text, string field, out Uri? target, out string problem)
    {
        problem = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            problem = $"'{field}' must be an absolute http or https URL (was '{text}').";
            target = null;
            return false;
        }
        if (target.UserInfo.Length > 0)
        {
            problem = $"'{field}' must not carry credentials; the job signs each request with the subscription's secret.";
            target = null;
            return false;
        }
        return true;
    }

    /// <summary>Lists the jobs of <paramref name="kind"/> the query takes, as <paramref name="page"/> of <paramref name="view"/>s.</summary>
    public static async Task<Results<Ok<TPage>, ProblemHttpResult>> ListAsync<TView, TPage>(
        ReplayJobKind kind, ReplayJobQuery query, ReplayJobServices services, Func<ReplayJob, TView> view, Func<IReadOnlyList<TView>, string?, TPage> page,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(services);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ReplayJobStatus? status = null;
        if (query.Status is { } text)
        {
            if (Enum.TryParse<ReplayJobStatus>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _))
            {
                status = parsed;
            }
            else
            {
                errors["status"] = [$"'status' must be one of {string.Join(", ", Enum.GetNames<ReplayJobStatus>())} (was '{text}')."];
            }
        }
        var limit = query.Limit ?? 50;
        if (limit is < 1 or > ReplayJobsApi.MaxPageSize)
        {
            errors["limit"] = [$"'limit' must be between 1 and {ReplayJobsApi.MaxPageSize} (was {limit})."];
        }
        if (errors.Count > 0)
        {
            return ReplayProblems.Invalid(errors);
        }

        var jobs = await services.Jobs.ListAsync(kind, query.Topic, query.Subscription, status, query.Before, limit, cancellationToken);
        return TypedResults.Ok(page([.. jobs.Select(view)], jobs.Count == limit ? jobs[^1].Id : null));
    }

    /// <summary>The job of <paramref name="kind"/> with <paramref name="id"/>, as <paramref name="view"/>; 404 for none (or one of the other kind).</summary>
    public static async Task<Results<Ok<TView>, ProblemHttpResult>> GetAsync<TView>(
        ReplayJobKind kind, string id, ReplayJobServices services, Func<ReplayJob, TView> view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return ReplayJobKinds.KindOf(id) == kind && await services.Jobs.FindAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(view(job))
            : ReplayProblems.JobNotFound(kind, id);
    }

    /// <summary>Cancels the job of <paramref name="kind"/> with <paramref name="id"/>; 404 for none, 409 when it has ended.</summary>
    public static async Task<Results<Ok<TView>, ProblemHttpResult>> CancelAsync<TView>(
        ReplayJobKind kind, string id, ReplayJobServices services, Func<ReplayJob, TView> view)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (ReplayJobKinds.KindOf(id) != kind)
        {
            return ReplayProblems.JobNotFound(kind, id);
        }
        var (job, cancelled) = await services.Jobs.CancelAsync(id, CancellationToken.None);
        if (job is null)
        {
            return ReplayProblems.JobNotFound(kind, id);
        }
        return cancelled ? TypedResults.Ok(view(job)) : ReplayProblems.JobEnded(kind, id, job.Status.ToString());
    }
}
