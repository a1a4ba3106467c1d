using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>Values the mapping gives one event, noting for each attribute which setting it came from.</summary>
internal sealed class MappedValues(SourceContext context, Dictionary<string, string> origins)
{
    /// <summary>
    /// The id from <see cref="SourceMapping.IdFrom"/> (or the content hash); a new random id when it gives nothing. A value
    /// that cannot be an id (see <see cref="AttributeRules.IsHeaderSafe"/>) gives the id derived from it, the same each time.
    /// </summary>
    public string Id()
    {
        var idFrom = context.Mapping.IdFrom;
        if (idFrom == SourceMapping.ContentHash)
        {
            origins[CloudEventAttributes.Id] = SourceContext.Describe(nameof(SourceMapping.IdFrom), idFrom);
            return ContentHashId.Of(context.SourceName, context.Message.ContentType, context.Message.Body.Span);
        }

        return First(CloudEventAttributes.Id, nameof(SourceMapping.IdFrom), idFrom, null, null) switch
        {
            null => Guid.NewGuid().ToString("N"),
            var id when AttributeRules.IsHeaderSafe(id) => id,
            var id => ContentHashId.OfValue(context.SourceName, id),
        };
    }

    /// <summary>
    /// The correlation id from <see cref="SourceMapping.CorrelationIdFrom"/> when it gives one that can be a correlation
    /// id (see <see cref="AttributeRules.IsHeaderSafe"/>); otherwise <paramref name="id"/>.
    /// </summary>
    public string CorrelationId(string id)
    {
        var mapping = context.Mapping;
        var value = First(CloudEventAttributes.CorrelationId, nameof(SourceMapping.CorrelationIdFrom), mapping.CorrelationIdFrom, null, null);
        if (AttributeRules.IsHeaderSafe(value))
        {
            return value;
        }

        origins.Remove(CloudEventAttributes.CorrelationId);
        return id;
    }

    /// <summary>The value of the expression <c>Mapping:{fromField}</c>, else the constant <c>Mapping:{constantField}</c>, else null.</summary>
    public string? First(string attribute, string fromField, string? from, string? constantField, string? constant)
    {
        if (context.Evaluate(fromField, from) is { } value)
        {
            origins[attribute] = SourceContext.Describe(fromField, from);
            return value;
        }

        if (!string.IsNullOrEmpty(constant))
        {
            origins[attribute] = $"Mapping:{constantField}";
            return constant;
        }

        return null;
    }

    /// <summary><paramref name="given"/> with every extension of the mapping the event does not carry already, when it gives a value.</summary>
    public IReadOnlyDictionary<string, string> Extensions(IReadOnlyDictionary<string, string> given)
    {
        Dictionary<string, string>? properties = null;
        foreach (var (name, text) in context.Mapping.Extensions ?? [])
        {
            var field = $"{nameof(SourceMapping.Extensions)}:{name}";
            if (given.ContainsKey(name) || context.Evaluate(field, text) is not { } value)
            {
                continue;
            }

            properties ??= new Dictionary<string, string>(given, StringComparer.Ordinal);
            properties[name] = value;
            origins[name] = SourceContext.Describe(field, text);
        }
        return properties ?? given;
    }
}
