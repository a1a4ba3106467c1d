using Bridge.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Security;

/// <summary>The ProblemDetails of authentication, authorization and rate limiting.</summary>
internal static class SecurityProblems
{
    public static ProblemHttpResult Unauthenticated(string detail) =>
        Problems.Create(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", detail);

    public static ProblemHttpResult RateLimited(string publisher, int retryAfterSeconds) =>
        Problems.Create(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
            $"Publisher '{publisher}' is over its rate limit; retry in {retryAfterSeconds} s.");

    public static ProblemHttpResult AuthenticationThrottled(int retryAfterSeconds) =>
        Problems.Create(StatusCodes.Status429TooManyRequests, "authentication-throttled", "Too many failed authentications",
            $"Too many failed authentications from this address or for this key; retry in {retryAfterSeconds} s.");

    public static ProblemHttpResult UnknownPublisher(string id) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown-publisher", "Unknown publisher", $"No publisher '{id}'.");

    public static ProblemHttpResult UnknownKey(string publisher, string keyId) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown-key", "Unknown key", $"Publisher '{publisher}' has no key '{keyId}'.");

    public static ProblemHttpResult PublisherExists(string id) =>
        Problems.Create(StatusCodes.Status409Conflict, "publisher-exists", "Publisher exists", $"A publisher '{id}' already exists.");

    public static ProblemHttpResult KeyNotActive(string keyId) =>
        Problems.Create(StatusCodes.Status409Conflict, "key-not-active", "Key not active", $"Key '{keyId}' is revoked or expired; create a new key instead.");

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) => Problems.InvalidRequest(errors);
}
