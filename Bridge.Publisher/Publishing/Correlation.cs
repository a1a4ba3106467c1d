using System.Diagnostics;

namespace Bridge.Publisher.Publishing;

/// <summary>Finds the correlation id of a request.</summary>
public static class Correlation
{
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
        if (given.Length is > 0 and <= 128 && given.All(c => c is > ' ' and < (char)127))
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
}
