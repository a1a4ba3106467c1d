using Bridge.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Publisher.Contracts;

/// <summary>The ProblemDetails of contracts (see <see cref="Problems"/> for the shared ones).</summary>
internal static class ContractProblems
{
    private const string TypePrefix = "urn:bridge:problem:";

    /// <summary>400: the registration request's values are invalid.</summary>
    public static ProblemHttpResult InvalidRequest(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypePrefix + "invalid-request",
            Title = "Invalid request",
            Detail = "The request has invalid values; see errors.",
        });

    /// <summary>422: the schema is not a usable JSON Schema; lists every problem found.</summary>
    public static ProblemHttpResult InvalidSchema(IReadOnlyList<string> errors) =>
        WithList(StatusCodes.Status422UnprocessableEntity, "invalid-schema", "Invalid JSON Schema",
            $"The schema is not a usable JSON Schema: {errors[0]}{(errors.Count > 1 ? $" (and {errors.Count - 1} more, listed in errors)" : "")}", "errors", errors);

    /// <summary>409: the schema is not backward compatible with the latest version; lists every breaking change.</summary>
    public static ProblemHttpResult Incompatible(string eventType, int latest, IReadOnlyList<BreakingChange> changes) =>
        WithList(StatusCodes.Status409Conflict, "incompatible-contract", "Incompatible contract",
            $"The schema is not backward compatible with {eventType} v{latest}: {changes.Count} breaking change(s), listed in breakingChanges. "
            + "Events valid under the latest version must stay valid; register with \"force\": true to accept the break.",
            "breakingChanges", changes);

    /// <summary>409: concurrent registrations of one event type kept taking the next version number.</summary>
    public static ProblemHttpResult Contended(string eventType) =>
        Problems.Create(StatusCodes.Status409Conflict, "contract-registration-conflict", "Concurrent registration",
            $"Other registrations of '{eventType}' kept taking the next version number; look at the versions and retry.");

    /// <summary>404: the event type has no contract.</summary>
    public static ProblemHttpResult UnknownContract(string eventType) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown-contract", "Unknown contract", $"Event type '{eventType}' has no contract.");

    /// <summary>404: the event type's contract has no such version.</summary>
    public static ProblemHttpResult UnknownVersion(string eventType, int version) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown-contract-version", "Unknown contract version", $"Event type '{eventType}' has no contract version {version}.");

    /// <summary>422: events do not match their contracts; lists every error.</summary>
    public static ProblemHttpResult Violation(string type, string title, string detail, IReadOnlyList<ContractError> errors) =>
        WithList(StatusCodes.Status422UnprocessableEntity, type, title, detail, "errors", errors);

    private static ProblemHttpResult WithList(int status, string type, string title, string detail, string name, object list) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Type = TypePrefix + type,
            Title = title,
            Detail = detail,
            Extensions = { [name] = list },
        });
}
