using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

public static partial class Extensions
{
    /// <summary>The prefix of every Bridge problem type.</summary>
    public const string ProblemTypePrefix = "urn:bridge:problem:";

    /// <summary>
    /// Gives the framework's own answers (an unmatched route, a wrong method, a body the framework cannot bind, an
    /// unhandled exception) the same stable problem types as Bridge's: <c>bad-request</c>, <c>not-found</c>,
    /// <c>method-not-allowed</c>, <c>unsupported-media-type</c>, <c>payload-too-large</c>, <c>internal-error</c>, else
    /// <c>http-{status}</c>. A problem that already has a Bridge type keeps it; an exception's details are never shown.
    /// </summary>
    internal static void UseBridgeProblemTypes(ProblemDetailsOptions options) =>
        options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Type?.StartsWith(ProblemTypePrefix, StringComparison.Ordinal) == true)
            {
                return;
            }

            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            problem.Type = ProblemTypePrefix + FrameworkProblemType(status);
            problem.Detail ??= status switch
            {
                StatusCodes.Status404NotFound => "No resource at this path; see /openapi/v1.json for the routes.",
                StatusCodes.Status405MethodNotAllowed => "This path does not accept the method; see /openapi/v1.json.",
                StatusCodes.Status415UnsupportedMediaType => "The Content-Type is not accepted here; send application/json.",
                >= 500 => "The request failed inside Bridge; nothing was accepted. Retry later; the logs say why (look for the trace id).",
                _ => "The request could not be read.",
            };
            problem.Extensions.Remove("exception"); // never a stack trace, in any environment
        };

    /// <summary>The status an exception answers: the framework's own bad requests keep theirs (400, 413 …), anything else is 500.</summary>
    internal static void UseBadRequestStatus(ExceptionHandlerOptions options) =>
        options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;

    private static string FrameworkProblemType(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status401Unauthorized => "unauthenticated",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        StatusCodes.Status413PayloadTooLarge => "payload-too-large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
        StatusCodes.Status500InternalServerError => "internal-error",
        _ => "http-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
