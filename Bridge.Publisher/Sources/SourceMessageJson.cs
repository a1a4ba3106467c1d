using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Sources;

namespace Bridge.Publisher.Sources;

/// <summary>
/// A source message's broker fields and properties as the JSON object a dead letter keeps, and back: strings, numbers
/// and booleans as themselves, times as <c>{"$time": "…"}</c>, bytes as <c>{"$base64": "…"}</c>, so a replay reads
/// the message exactly as it first arrived.
/// </summary>
internal static class SourceMessageJson
{
    private const string TimeKey = "$time";
    private const string BytesKey = "$base64";

    /// <summary>
    /// The headers as JSON; never fails, whatever the broker delivered: text is cleaned of NUL and unpaired surrogates
    /// (which no store or JSON writer takes), and numbers that JSON cannot hold (NaN, infinities) are kept as text.
    /// </summary>
    public static string Headers(SourceMessage message)
    {
        var properties = new JsonObject();
        foreach (var (name, value) in message.Properties)
        {
            properties[Clean(name)!] = Value(value);
        }

        var headers = new JsonObject
        {
            ["messageId"] = Clean(message.MessageId),
            ["correlationId"] = Clean(message.CorrelationId),
            ["sessionId"] = Clean(message.SessionId),
            ["subject"] = Clean(message.Subject),
            ["routingKey"] = Clean(message.RoutingKey),
            ["properties"] = properties,
        };
        return headers.ToJsonString();
    }

    /// <summary>Text without NUL characters and unpaired surrogates (each replaced by U+FFFD).</summary>
    public static string? Clean(string? text)
    {
        if (text is null || (!text.Contains('\0', StringComparison.Ordinal) && !HasLoneSurrogate(text)))
        {
            return text;
        }

        var cleaned = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cleaned.Append(c).Append(text[++i]);
            }
            else
            {
                cleaned.Append(c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return cleaned.ToString();
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    public static SourceMessage Message(string headers, string? contentType, byte[] body)
    {
        var root = JsonNode.Parse(headers)?.AsObject() ?? [];
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (root["properties"] is JsonObject stored)
        {
            foreach (var (name, value) in stored)
            {
                properties[name] = Plain(value);
            }
        }

        return new SourceMessage
        {
            Body = body,
            ContentType = contentType,
            MessageId = Text(root, "messageId"),
            CorrelationId = Text(root, "correlationId"),
            SessionId = Text(root, "sessionId"),
            Subject = Text(root, "subject"),
            RoutingKey = Text(root, "routingKey"),
            Properties = properties,
        };
    }

    /// <summary>The headers as the API shows them: plain JSON (times and bytes as their tagged objects).</summary>
    public static JsonElement View(string headers)
    {
        using var document = JsonDocument.Parse(headers);
        return document.RootElement.Clone();
    }

    private static JsonNode? Value(object? value) => value switch
    {
        null => null,
        string text => JsonValue.Create(Clean(text)),
        bool flag => JsonValue.Create(flag),
        long or int or short or byte or sbyte or ushort or uint => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        double or float when double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)) => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        double or float => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
        DateTimeOffset time => new JsonObject { [TimeKey] = time.ToString("O", CultureInfo.InvariantCulture) },
        byte[] bytes => new JsonObject { [BytesKey] = Convert.ToBase64String(bytes) },
        _ => JsonValue.Create(Clean(Convert.ToString(value, CultureInfo.InvariantCulture))),
    };

    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject tagged when tagged[TimeKey] is JsonValue time => DateTimeOffset.Parse(time.GetValue<string>(), CultureInfo.InvariantCulture),
        JsonObject tagged when tagged[BytesKey] is JsonValue bytes => Convert.FromBase64String(bytes.GetValue<string>()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        JsonValue value when value.TryGetValue<long>(out var integer) => integer,
        JsonValue value => value.GetValue<double>(),
        _ => node.ToJsonString(),
    };

    private static string? Text(JsonObject root, string name) => root[name] is JsonValue value ? value.GetValue<string>() : null;
}
