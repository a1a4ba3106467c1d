using Bridge.Http;
using Bridge.Replay.ReplayJobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Replay;

/// <summary>The replay service's own ProblemDetails (see <see cref="Problems"/> for the shared ones).</summary>
internal static class ReplayProblems
{
    /// <summary>400: the request's values are invalid; <paramref name="errors"/> lists every problem by field.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = "urn:bridge:problem:invalid-request",
            Title = "Invalid request",
            Detail = "The request has invalid values; see errors.",
        });

    /// <summary>404: no replay job (or recovery job) with that id.</summary>
    public static ProblemHttpResult JobNotFound(ReplayJobKind kind, string id) => kind == ReplayJobKind.Recovery
        ? Problems.Create(StatusCodes.Status404NotFound, "recovery-job-not-found", "Recovery job not found", $"No recovery job with id '{id}'.")
        : Problems.Create(StatusCodes.Status404NotFound, "replay-job-not-found", "Replay job not found", $"No replay job with id '{id}'.");

    /// <summary>409: the job has ended and cannot be cancelled.</summary>
    public static ProblemHttpResult JobEnded(ReplayJobKind kind, string id, string status) => kind == ReplayJobKind.Recovery
        ? Problems.Create(StatusCodes.Status409Conflict, "recovery-job-ended", "Recovery job already ended", $"Recovery job '{id}' is {status}; only a queued or running job can be cancelled.")
        : Problems.Create(StatusCodes.Status409Conflict, "replay-job-ended", "Replay job already ended", $"Replay job '{id}' is {status}; only a queued or running job can be cancelled.");
}
