using Bridge.Envelopes;
using Microsoft.Net.Http.Headers;

namespace Bridge.Publisher.Publishing;

/// <summary>
/// Reads event attributes the CloudEvents HTTP binary way: <c>ce-{attribute}</c> headers (percent-decoded), the body's
/// Content-Type as <c>datacontenttype</c>; for convenience also the <c>type</c>, <c>subject</c>, <c>source</c> and
/// <c>orderingKey</c> query parameters. Extension headers become application properties.
/// </summary>
public static class BinaryModeHeaders
{
    private const string Prefix = "ce-";

    /// <summary>Reads the attributes of <paramref name="request"/>, adding a message per problem to <paramref name="errors"/>.</summary>
    public static EventAttributes Read(HttpRequest request, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            if (name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                attributes[name[Prefix.Length..].ToLowerInvariant()] = Decode(value.ToString());
            }
        }

        if (attributes.Remove(CloudEventAttributes.SpecVersion, out var version) && version != "1.0")
        {
            errors["header ce-specversion"] = [$"Only CloudEvents 1.0 is supported (got '{version}')."];
        }

        DateTimeOffset? time = null;
        if (attributes.Remove(CloudEventAttributes.Time, out var timeText))
        {
            if (EventTime.TryParse(timeText, out var parsed))
            {
                time = parsed;
            }
            else
            {
                errors["header ce-time"] = ["Must be an RFC 3339 timestamp."];
            }
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new EventAttributes
        {
            Id = Take(attributes, CloudEventAttributes.Id),
            Type = Take(attributes, CloudEventAttributes.Type) ?? Query(request, "type"),
            Subject = Take(attributes, CloudEventAttributes.Subject) ?? Query(request, "subject"),
            Source = Take(attributes, CloudEventAttributes.Source) ?? Query(request, "source"),
            Time = time,
            DataSchema = Take(attributes, CloudEventAttributes.DataSchema),
            DataContentType = MediaType(request.ContentType),
            CorrelationId = Take(attributes, CloudEventAttributes.CorrelationId),
            OrderingKey = Take(attributes, CloudEventAttributes.PartitionKey) ?? Query(request, "orderingKey"),
            Properties = properties,
        };

        foreach (var (name, value) in attributes)
        {
            if (CloudEventAttributes.IsReserved(name))
            {
                errors["header ce-" + name] = name is CloudEventAttributes.TraceParent or CloudEventAttributes.TraceState
                    ? ["Send W3C trace context in the traceparent and tracestate headers."]
                    : [$"'{name}' is not a header attribute; it comes from the request itself."];
            }
            else
            {
                properties[name] = value;
            }
        }

        return result;
    }

    /// <summary>The media type of a Content-Type header, without parameters.</summary>
    public static string? MediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) ? media.MediaType.Value?.ToLowerInvariant() : null;

    private static string? Take(Dictionary<string, string> attributes, string name) =>
        attributes.Remove(name, out var value) && value.Length > 0 ? value : null;

    private static string? Query(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        return value.Length == 0 ? null : value;
    }

    private static string Decode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }
}
