using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Http;

/// <summary>Bridge's ProblemDetails, each with a stable <c>type</c> (<c>urn:bridge:problem:…</c>).</summary>
public static class Problems
{
    private const string TypePrefix = "urn:bridge:problem:";

    /// <summary>404: the topic is not configured.</summary>
    public static ProblemHttpResult UnknownTopic(string topic) =>
        Create(StatusCodes.Status404NotFound, "unknown-topic", "Unknown topic", $"Topic '{topic}' is not configured on this Bridge.");

    /// <summary>415: the body is not JSON.</summary>
    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
            $"Content-Type '{contentType}' is not accepted; send application/json (or a +json media type).");

    /// <summary>413: the body is over the limit.</summary>
    public static ProblemHttpResult TooLarge(string what, long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Payload too large", $"{what} exceeds the limit of {limit} bytes.");

    /// <summary>400: the body is not well-formed JSON.</summary>
    public static ProblemHttpResult MalformedJson(string detail) =>
        Create(StatusCodes.Status400BadRequest, "malformed-json", "Malformed JSON", detail);

    /// <summary>400: the request is well-formed but invalid; <paramref name="errors"/> lists every problem.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypePrefix + "invalid-event",
            Title = "Invalid event",
            Detail = "The event has invalid attributes; see errors.",
        });

    /// <summary>503: the broker did not confirm the events.</summary>
    public static ProblemHttpResult BrokerUnavailable(string correlationId) =>
        Create(StatusCodes.Status503ServiceUnavailable, "broker-unavailable", "Broker unavailable",
            $"The broker did not confirm the events, so they are not accepted; retry later (correlation id {correlationId}). "
            + "On the embedded broker nothing was stored; on a remote broker part of a batch may have been, so give each event "
            + "its own id (ce-id) to let receivers drop the duplicates a retry can bring.");

    /// <summary>404: no such subscription.</summary>
    public static ProblemHttpResult UnknownSubscription(string topic, string subscription) =>
        Create(StatusCodes.Status404NotFound, "unknown-subscription", "Unknown subscription", $"Subscription '{subscription}' of topic '{topic}' is not configured.");

    /// <summary>404: no dead letter with that message id.</summary>
    public static ProblemHttpResult DeadLetterNotFound(string messageId) =>
        Create(StatusCodes.Status404NotFound, "dead-letter-not-found", "Dead letter not found", $"No dead letter with message id '{messageId}' in this subscription.");

    /// <summary>404: no event recorded with that message id.</summary>
    public static ProblemHttpResult EventNotFound(string messageId) =>
        Create(StatusCodes.Status404NotFound, "event-not-found", "Event not found", $"No event with message id '{messageId}' is recorded.");

    /// <summary>400: query parameters out of range or malformed; <paramref name="errors"/> lists every problem.</summary>
    public static ProblemHttpResult InvalidQuery(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypePrefix + "invalid-query",
            Title = "Invalid query",
            Detail = "The query parameters are invalid; see errors.",
        });

    /// <summary>400: a management request's body is invalid; <paramref name="errors"/> lists every problem.</summary>
    public static ProblemHttpResult InvalidRequest(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = TypePrefix + "invalid-request",
            Title = "Invalid request",
            Detail = "The request is invalid; see errors.",
        });

    /// <summary>Builds a ProblemDetails result.</summary>
    public static ProblemHttpResult Create(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + type);
}
