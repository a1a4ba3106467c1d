using System.Text;
using System.Text.Json;
using Bridge.Store.Idempotency;

namespace Bridge.Publisher.Idempotency;

/// <summary>
/// An accepted publish's response as stored with its key: status, Content-Type, JSON body and the headers that matter.
/// The first response is written from it too, so a replay is the same response byte for byte (plus
/// <c>Idempotent-Replayed: true</c>).
/// </summary>
internal sealed record StoredResponse(int StatusCode, string ContentType, string Body, string HeadersJson) : IResult
{
    /// <summary>The header a replayed response carries.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Response headers stored with the body.</summary>
    public static readonly string[] KeptHeaders = ["X-Correlation-Id", "Location"];

    /// <summary>Whether this response is a replay of a stored one.</summary>
    public bool Replayed { get; init; }

    /// <summary>Captures what the endpoint answered: its value serialised as it would have been, and the kept headers.</summary>
    public static StoredResponse Capture(int statusCode, object? value, HttpResponse response, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = value is null ? "" : JsonSerializer.Serialize(value, value.GetType(), json);
        var headers = KeptHeaders
            .Where(h => response.Headers.ContainsKey(h))
            .ToDictionary(h => h, h => response.Headers[h].ToString(), StringComparer.OrdinalIgnoreCase);
        return new StoredResponse(statusCode, "application/json; charset=utf-8", body, JsonSerializer.Serialize(headers));
    }

    /// <summary>The stored response of a completed key, marked as a replay.</summary>
    public static StoredResponse From(IdempotencyRecord row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new StoredResponse(row.StatusCode ?? StatusCodes.Status202Accepted, row.ContentType ?? "application/json; charset=utf-8",
            row.ResponseBody ?? "", row.ResponseHeaders ?? "{}")
        { Replayed = true };
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(HeadersJson) ?? [])
        {
            response.Headers[name] = value;
        }

        if (Replayed)
        {
            response.Headers[ReplayedHeader] = "true";
        }

        if (Body.Length > 0)
        {
            response.ContentType = ContentType;
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(Body), httpContext.RequestAborted);
        }
    }
}
