using System.Diagnostics;
using System.Text.Json;
using Bridge.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Publisher.Publishing;

/// <summary>Finds the correlation id of a request.</summary>
public static partial class Correlation
{
    /// <summary>Longest correlation id accepted.</summary>
    public const int MaxLength = 128;

    private const string EventHeaderName = "ce-correlationid";

    /// <summary>
    /// 400 <c>invalid-correlation-id</c> when <c>X-Correlation-Id</c> or <c>ce-correlationid</c> (percent-decoded) is sent but is not
    /// 1 to <see cref="MaxLength"/> visible ASCII characters: a correlation id travels on in headers (webhook calls, responses, logs),
    /// so one with line breaks or control characters is refused rather than passed on or silently replaced.
    /// </summary>
    public static ProblemHttpResult? Check(HttpRequest request, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (header, decode) in new[] { (HeaderName, false), (EventHeaderName, true) })
        {
            if (!request.Headers.TryGetValue(header, out var values))
            {
                continue;
            }

            var value = values.Count == 1 ? values.ToString() : null;
            if (decode && value is not null)
            {
                try
                {
                    value = Uri.UnescapeDataString(value);
                }
                catch (UriFormatException)
                {
                    value = null;
                }
            }

            if (value is null || !IsValid(value))
            {
                var shown = JsonSerializer.Serialize(values.ToString()[..Math.Min(values.ToString().Length, 200)]);
                LogInvalid(logger, header, shown);
                return Problems.Create(StatusCodes.Status400BadRequest, "invalid-correlation-id", "Invalid correlation id",
                    $"The {header} header must be one value of 1 to {MaxLength} visible ASCII characters (no spaces, control characters or line breaks). "
                    + "It is neither passed on nor replaced, so nothing was published.");
            }
        }

        return null;
    }

    /// <summary>1 to <see cref="MaxLength"/> visible ASCII characters.</summary>
    public static bool IsValid(string value) => value is { Length: > 0 and <= MaxLength } && value.All(c => c is > ' ' and < (char)127);

    /// <summary>Request and response header carrying the correlation id.</summary>
    public const string HeaderName = "X-Correlation-Id";

    /// <summary>
    /// <c>X-Correlation-Id</c> when given (and sane), else the event's own <c>correlationid</c>, else the trace id of a W3C
    /// <c>traceparent</c> the caller sent, else the trace id of the current request, else a new id.
    /// </summary>
    public static string Resolve(HttpRequest request, string? fromEvent)
    {
        ArgumentNullException.ThrowIfNull(request);
        var given = request.Headers[HeaderName].ToString();
        if (IsValid(given))
        {
            return given;
        }

        if (!string.IsNullOrEmpty(fromEvent))
        {
            return fromEvent;
        }

        var traceParent = request.Headers["traceparent"].ToString();
        if (ActivityContext.TryParse(traceParent, null, out var parent))
        {
            return parent.TraceId.ToHexString();
        }

        return Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a publish: its {Header} header is not a valid correlation id (got {Value})")]
    private static partial void LogInvalid(ILogger logger, string header, string value);
}
