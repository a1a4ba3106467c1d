using Bridge.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Publisher.Idempotency;

/// <summary>The ProblemDetails of the <c>Idempotency-Key</c> header.</summary>
internal static class IdempotencyProblems
{
    /// <summary>400: the header is not a key Bridge accepts.</summary>
    public static ProblemHttpResult InvalidKey(string detail) =>
        Problems.Create(StatusCodes.Status400BadRequest, "invalid-idempotency-key", "Invalid Idempotency-Key", detail);

    /// <summary>422: the key was used before with a different request.</summary>
    public static ProblemHttpResult KeyReused(string topic) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused",
            $"This Idempotency-Key was already used on topic '{topic}' with a different request (body, content type, ce-* headers or "
            + "attribute query parameters). Send a new key for a new request; a retry must repeat the original request exactly.");

    /// <summary>409: the same request is still being published by another call.</summary>
    public static ProblemHttpResult KeyInUse(string topic, TimeSpan waited) =>
        Problems.Create(StatusCodes.Status409Conflict, "idempotency-key-in-use", "Idempotency-Key in use",
            $"A request with this Idempotency-Key on topic '{topic}' is still being published (waited {waited.TotalSeconds:0.#} s). "
            + "Retry after the Retry-After delay to get its response.");

    /// <summary>503: the key could not be claimed because the store is unreachable; nothing was published.</summary>
    public static ProblemHttpResult StoreUnavailable(string correlationId) =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "idempotency-store-unavailable", "Idempotency store unavailable",
            $"The request carries an Idempotency-Key but the store that remembers keys cannot be reached, so nothing was published "
            + $"(correlation id {correlationId}). Retry later with the same key.");
}
