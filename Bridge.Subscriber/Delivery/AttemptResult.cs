using Bridge.Store.Attempts;

namespace Bridge.Subscriber.Delivery;

/// <summary>What one webhook call came to.</summary>
/// <param name="Outcome">Delivered, rejected (permanent), failed (transient) or cancelled.</param>
/// <param name="StatusCode">HTTP status, when an answer came.</param>
/// <param name="Duration">Time the call took.</param>
/// <param name="Error">Why it did not succeed.</param>
/// <param name="ResponseExcerpt">The start of the response body.</param>
/// <param name="RetryAfter">Delay the receiver asked for with <c>Retry-After</c>.</param>
internal sealed record AttemptResult(
    AttemptOutcome Outcome,
    int? StatusCode,
    TimeSpan Duration,
    string? Error,
    string? ResponseExcerpt,
    TimeSpan? RetryAfter);
