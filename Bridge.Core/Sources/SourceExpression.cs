using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Bridge.Webhooks.Projection;

namespace Bridge.Sources;

/// <summary>
/// Where a value of a source message comes from, parsed once: <c>messageId</c>, <c>correlationId</c>, <c>sessionId</c>,
/// <c>subject</c>, <c>routingKey</c>, <c>property:NAME</c> (an application property or header, exact name) or
/// <c>data:/json/pointer</c> (an RFC 6901 pointer into JSON data). A value that is missing or empty is nothing.
/// </summary>
internal sealed class SourceExpression
{
    private const string PropertyPrefix = "property:";
    private const string DataPrefix = "data:";

    private readonly Kind _kind;
    private readonly string? _property;
    private readonly JsonPointer? _pointer;

    private SourceExpression(string text, Kind kind, string? property = null, JsonPointer? pointer = null)
    {
        Text = text;
        _kind = kind;
        _property = property;
        _pointer = pointer;
    }

    private enum Kind
    {
        MessageId,
        CorrelationId,
        SessionId,
        Subject,
        RoutingKey,
        Property,
        Data,
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>True when the expression reads the data, which then has to be parsed.</summary>
    public bool ReadsData => _kind == Kind.Data;

    /// <summary>Parses <paramref name="text"/>; otherwise <paramref name="error"/> says why it is no expression (a sentence starting with "is", "names" or "has").</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SourceExpression? expression, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            expression = null;
            error = "is empty.";
            return false;
        }

        expression = text switch
        {
            "messageId" => new(text, Kind.MessageId),
            "correlationId" => new(text, Kind.CorrelationId),
            "sessionId" => new(text, Kind.SessionId),
            "subject" => new(text, Kind.Subject),
            "routingKey" => new(text, Kind.RoutingKey),
            _ => null,
        };
        if (expression is not null)
        {
            return true;
        }

        if (text.StartsWith(PropertyPrefix, StringComparison.Ordinal))
        {
            var name = text[PropertyPrefix.Length..];
            if (name.Length == 0)
            {
                error = $"names no property: write '{PropertyPrefix}NAME' (was '{text}').";
                return false;
            }
            expression = new(text, Kind.Property, property: name);
            return true;
        }

        if (text.StartsWith(DataPrefix, StringComparison.Ordinal))
        {
            if (!JsonPointer.TryParse(text[DataPrefix.Length..], out var pointer, out var problem))
            {
                error = $"has a JSON pointer that {problem}";
                return false;
            }
            expression = new(text, Kind.Data, pointer: pointer);
            return true;
        }

        error = $"is not an expression (was '{text}'): use messageId, correlationId, sessionId, subject, routingKey, property:NAME or data:/json/pointer.";
        return false;
    }

    /// <summary>The expression's value for <paramref name="message"/>, whose JSON data (when it has JSON data) is <paramref name="data"/>; null when it gives nothing.</summary>
    public string? Evaluate(SourceMessage message, JsonElement? data)
    {
        var value = _kind switch
        {
            Kind.MessageId => message.MessageId,
            Kind.CorrelationId => message.CorrelationId,
            Kind.SessionId => message.SessionId,
            Kind.Subject => message.Subject,
            Kind.RoutingKey => message.RoutingKey,
            Kind.Property => message.Properties.TryGetValue(_property!, out var property) ? SourceValues.Format(property) : null,
            _ => data is { } root && _pointer!.TryResolve(root, out var found) ? SourceValues.Format(found) : null,
        };
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
