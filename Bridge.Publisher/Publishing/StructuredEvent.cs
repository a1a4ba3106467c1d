using System.Text;
using System.Text.Json;
using Bridge.Envelopes;

namespace Bridge.Publisher.Publishing;

/// <summary>Reads a CloudEvent in structured JSON mode (<c>application/cloudevents+json</c>, or an item of a CloudEvents batch).</summary>
public static class StructuredEvent
{
    /// <summary>The structured-mode media type.</summary>
    public const string MediaType = CloudEventAttributes.StructuredMediaType;

    /// <summary>The batched structured-mode media type.</summary>
    public const string BatchMediaType = "application/cloudevents-batch+json";

    /// <summary>Parses one CloudEvent, adding a message per problem to <paramref name="errors"/> under <paramref name="prefix"/>.</summary>
    public static BatchItem? Parse(JsonElement element, string prefix, int maxEventBytes, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            return ParseObject(element, prefix, maxEventBytes, errors);
        }
        catch (InvalidOperationException)
        {
            errors[prefix.TrimEnd('.') is { Length: > 0 } at ? at : "$"] = [UnpairedSurrogate];
            return null;
        }
    }

    /// <summary>Why a JSON string Bridge must read as text is refused: an escaped half of a surrogate pair (<c>\ud800</c>) is no text.</summary>
    internal const string UnpairedSurrogate = "Attribute names and values must be valid Unicode text: an unpaired surrogate escape (such as \\ud800) is not.";

    private static BatchItem? ParseObject(JsonElement element, string prefix, int maxEventBytes, IDictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[prefix.TrimEnd('.') is { Length: > 0 } p ? p : "$"] = ["A CloudEvent is a JSON object."];
            return null;
        }

        var count = errors.Count;
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        if (String(fields, CloudEventAttributes.SpecVersion, prefix, errors, required: true) is { } version && version != "1.0")
        {
            errors[prefix + CloudEventAttributes.SpecVersion] = [$"Only CloudEvents 1.0 is supported (got '{version}')."];
        }

        var attributes = new EventAttributes
        {
            Id = String(fields, CloudEventAttributes.Id, prefix, errors, required: true),
            Source = String(fields, CloudEventAttributes.Source, prefix, errors, required: true),
            Type = String(fields, CloudEventAttributes.Type, prefix, errors, required: true),
            Subject = String(fields, CloudEventAttributes.Subject, prefix, errors),
            DataSchema = String(fields, CloudEventAttributes.DataSchema, prefix, errors),
            DataContentType = String(fields, CloudEventAttributes.DataContentType, prefix, errors),
            Time = Time(fields, prefix, errors),
            CorrelationId = String(fields, CloudEventAttributes.CorrelationId, prefix, errors),
            OrderingKey = String(fields, CloudEventAttributes.PartitionKey, prefix, errors),
            Properties = Extensions(fields, prefix, errors),
        };

        if (fields.ContainsKey(CloudEventAttributes.DataBase64))
        {
            errors[prefix + CloudEventAttributes.DataBase64] = ["Binary data is not carried; send JSON in 'data'."];
        }

        if (attributes.DataContentType is { } contentType && !IsJson(contentType))
        {
            errors[prefix + CloudEventAttributes.DataContentType] = ["Only JSON data is carried (application/json or a +json media type)."];
        }

        var data = fields.TryGetValue(CloudEventAttributes.Data, out var value) ? Encoding.UTF8.GetBytes(value.GetRawText()) : "null"u8.ToArray();
        if (data.Length > maxEventBytes)
        {
            errors[prefix + CloudEventAttributes.Data] = [$"Exceeds the event limit of {maxEventBytes} bytes."];
        }

        attributes.Validate(prefix, errors);
        return errors.Count == count ? new BatchItem(attributes, data) : null;
    }

    /// <summary>True for <c>application/json</c> and <c>application/*+json</c> media types.</summary>
    public static bool IsJson(string contentType)
    {
        var media = BinaryModeHeaders.MediaType(contentType) ?? contentType;
        return media == "application/json" || (media.StartsWith("application/", StringComparison.Ordinal) && media.EndsWith("+json", StringComparison.Ordinal));
    }

    private static string? String(Dictionary<string, JsonElement> fields, string name, string prefix, IDictionary<string, string[]> errors, bool required = false)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors[prefix + name] = ["Required by CloudEvents 1.0."];
            }
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[prefix + name] = ["Must be a string."];
            return null;
        }

        return value.GetString();
    }

    private static DateTimeOffset? Time(Dictionary<string, JsonElement> fields, string prefix, IDictionary<string, string[]> errors)
    {
        var text = String(fields, CloudEventAttributes.Time, prefix, errors);
        if (text is null)
        {
            return null;
        }

        if (EventTime.TryParse(text, out var time))
        {
            return time;
        }

        errors[prefix + CloudEventAttributes.Time] = ["Must be an RFC 3339 timestamp."];
        return null;
    }

    private static Dictionary<string, string> Extensions(Dictionary<string, JsonElement> fields, string prefix, IDictionary<string, string[]> errors)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (CloudEventAttributes.IsReserved(name))
            {
                continue; // core attributes, Bridge's own extensions, and trace context (Bridge traces the event itself)
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    properties[name] = value.GetString()!;
                    break;
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    properties[name] = value.GetRawText();
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    errors[$"{prefix}{name}"] = ["Extension attributes are strings, numbers or booleans."];
                    break;
            }
        }
        return properties;
    }
}
