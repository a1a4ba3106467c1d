using Bridge.Publisher.Publishing;
using Bridge.Security;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Bridge.Publisher.Xml;

/// <summary>
/// The XML path of the publish endpoint: a partner's XML body goes through its latest transform into the XML form of
/// JSON (<see cref="JsonXml"/>), which Bridge writes as JSON and reads exactly like a JSON body — then validates against
/// its contract like any event.
/// </summary>
public sealed partial class XmlEvents(XmlTransforms transforms, IOptions<XmlOptions> options, TimeProvider time, ILogger<XmlEvents> logger)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentTransforms, options.Value.MaxConcurrentTransforms);

    /// <summary>Whether <paramref name="contentType"/> is an XML media type (<c>application/xml</c>, <c>text/xml</c>, <c>application/*+xml</c>).</summary>
    public static bool IsXml(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Value is { } type
        && (type.Equals("application/xml", StringComparison.OrdinalIgnoreCase) || type.Equals("text/xml", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Reads the XML body, transforms it and parses the JSON it becomes.</summary>
    public async Task<JsonBody.Result> ReadAsync(HttpContext context, int limit, string what, string correlationId)
    {
        var publisher = context.User.FindFirst(BridgeClaims.PublisherId)?.Value;
        var active = publisher is null ? null : await transforms.LatestAsync(publisher, context.RequestAborted);
        if (active is null)
        {
            return new(default, null, XmlProblems.NoTransform(publisher));
        }

        var (xml, problem) = await JsonBody.ReadBytesAsync(context.Request, limit, what, context.RequestAborted);
        if (problem is not null)
        {
            return new(default, null, problem);
        }

        var timeout = options.Value.TransformTimeout;
        if (!await _slots.WaitAsync(timeout, context.RequestAborted))
        {
            return new(default, null, XmlProblems.Busy());
        }

        var deadline = new BoundedWriter.Deadline(time.GetUtcNow() + timeout, time);
        var run = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    return SafeXslt.Run(active.Transform, xml, limit, options.Value.MaxOutputChars, deadline);
                }
                finally
                {
                    _slots.Release(); // only when the transform has really ended
                }
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        (string? Output, string? Error) outcome;
        try
        {
            outcome = await run.WaitAsync(timeout, time, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            deadline.Abort();
            outcome = (null, $"The transform did not finish within {timeout.TotalSeconds:0.###} s.");
        }

        var transform = $"{publisher}/{active.Version}";
        if (outcome.Error is not null)
        {
            LogFailed(logger, transform, correlationId, outcome.Error);
            return new(default, null, XmlProblems.TransformFailed($"Transform {transform}: {outcome.Error}"));
        }

        var (json, notJson) = JsonXml.ToJson(outcome.Output!, JsonBody.MaxDataDepth);
        if (notJson is not null)
        {
            LogFailed(logger, transform, correlationId, notJson);
            return new(default, null, XmlProblems.TransformFailed($"Transform {transform}: {notJson}"));
        }

        var parsed = JsonBody.Parse(json!);
        if (parsed.Problem is not null)
        {
            LogFailed(logger, transform, correlationId, "its output is not JSON");
            return new(default, null, XmlProblems.TransformFailed($"Transform {transform} did not produce JSON: {parsed.Problem.ProblemDetails.Detail}"));
        }

        return parsed with { Transform = transform };
    }

    /// <summary>The attributes of an event made by a transform: JSON data, and the transform named in the <c>transform</c> property.</summary>
    public static EventAttributes Stamp(EventAttributes attributes, string transform)
    {
        var properties = new Dictionary<string, string>(attributes.Properties, StringComparer.Ordinal) { ["transform"] = transform };
        return attributes with { DataContentType = "application/json", Properties = properties };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "XML transform {Transform} refused a request (correlation {CorrelationId}): {Error}")]
    private static partial void LogFailed(ILogger logger, string transform, string correlationId, string error);
}
