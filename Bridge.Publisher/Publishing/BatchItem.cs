using System.Text;
using System.Text.Json;

namespace Bridge.Publisher.Publishing;

/// <summary>One event of a batch, with its attributes and data.</summary>
public sealed record BatchItem(EventAttributes Attributes, ReadOnlyMemory<byte> Data)
{
    /// <summary>
    /// Reads a parsed batch body: a JSON array of <c>{ "type", "subject", "source", "orderingKey", "properties": {…}, "data": … }</c>,
    /// or, when <paramref name="cloudEvents"/>, of CloudEvents (<c>application/cloudevents-batch+json</c>). Every error is
    /// collected under its JSON path.
    /// </summary>
    public static IReadOnlyList<BatchItem> Parse(JsonElement root, bool cloudEvents, int maxItems, int maxEventBytes, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (root.ValueKind != JsonValueKind.Array)
        {
            errors["$"] = ["A batch is a JSON array of events."];
            return [];
        }

        var count = root.GetArrayLength();
        if (count == 0 || count > maxItems)
        {
            errors["$"] = [$"A batch holds 1 to {maxItems} events (got {count})."];
            return [];
        }

        var items = new List<BatchItem>(count);
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            var prefix = $"[{index++}].";
            BatchItem? item;
            try
            {
                item = cloudEvents ? StructuredEvent.Parse(element, prefix, maxEventBytes, errors) : ParseItem(element, prefix, maxEventBytes, errors);
            }
            catch (InvalidOperationException)
            {
                errors[prefix.TrimEnd('.')] = [StructuredEvent.UnpairedSurrogate];
                item = null;
            }

            if (item is not null)
            {
                items.Add(item);
            }
        }

        return items;
    }

    private static BatchItem? ParseItem(JsonElement element, string prefix, int maxEventBytes, IDictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[prefix.TrimEnd('.')] = ["Each event is a JSON object with a 'data' member."];
            return null;
        }

        if (!element.TryGetProperty("data", out var data))
        {
            errors[prefix + "data"] = ["Required."];
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(data.GetRawText());
        if (bytes.Length > maxEventBytes)
        {
            errors[prefix + "data"] = [$"Exceeds the event limit of {maxEventBytes} bytes."];
            return null;
        }

        var attributes = new EventAttributes
        {
            Type = String(element, "type", prefix, errors),
            Subject = String(element, "subject", prefix, errors),
            Source = String(element, "source", prefix, errors),
            OrderingKey = String(element, "orderingKey", prefix, errors),
            Properties = Properties(element, prefix, errors),
        };
        attributes.Validate(prefix, errors);
        return new BatchItem(attributes, bytes);
    }

    private static string? String(JsonElement element, string name, string prefix, IDictionary<string, string[]> errors)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[prefix + name] = ["Must be a string."];
            return null;
        }

        return value.GetString();
    }

    private static Dictionary<string, string> Properties(JsonElement element, string prefix, IDictionary<string, string[]> errors)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!element.TryGetProperty("properties", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return properties;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors[prefix + "properties"] = ["Must be an object of string values."];
            return properties;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                properties[property.Name] = property.Value.GetString()!;
            }
            else
            {
                errors[$"{prefix}properties.{property.Name}"] = ["Must be a string."];
            }
        }

        return properties;
    }
}
