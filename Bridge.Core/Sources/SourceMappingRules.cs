using System.Net.Http.Headers;
using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>Checks a <see cref="SourceMapping"/> before any message meets it, so a bad one fails at start with the setting's name.</summary>
public static class SourceMappingRules
{
    private const string Prefix = "Mapping:";

    /// <summary>
    /// Every problem of <paramref name="mapping"/>, each with the setting it is about (<c>Mapping:TypeFrom</c>,
    /// <c>Mapping:Extensions:region</c>): an expression that is not one, an invalid JSON pointer, an extension name that
    /// is not a CloudEvents extension name or is taken, a constant Bridge could not carry, or neither <c>Type</c> nor
    /// <c>TypeFrom</c> set. Empty when the mapping is sound.
    /// </summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(SourceMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var problems = new List<(string Field, string Message)>();
        Expression(problems, nameof(SourceMapping.TypeFrom), mapping.TypeFrom);
        Expression(problems, nameof(SourceMapping.SourceFrom), mapping.SourceFrom);
        Expression(problems, nameof(SourceMapping.SubjectFrom), mapping.SubjectFrom);
        Expression(problems, nameof(SourceMapping.OrderingKeyFrom), mapping.OrderingKeyFrom);
        Expression(problems, nameof(SourceMapping.CorrelationIdFrom), mapping.CorrelationIdFrom);
        if (mapping.IdFrom != SourceMapping.ContentHash)
        {
            Expression(problems, nameof(SourceMapping.IdFrom), mapping.IdFrom, $" ({SourceMapping.ContentHash} is allowed too)");
        }

        if (string.IsNullOrEmpty(mapping.Type) && string.IsNullOrEmpty(mapping.TypeFrom))
        {
            problems.Add((Prefix + nameof(SourceMapping.Type), "Set Type or TypeFrom: every event needs a type."));
        }

        Constant(problems, nameof(SourceMapping.Type), mapping.Type, AttributeRules.MaxTypeLength);
        Constant(problems, nameof(SourceMapping.Source), mapping.Source, AttributeRules.MaxTextLength);
        if (!string.IsNullOrEmpty(mapping.Source) && !Uri.TryCreate(mapping.Source, UriKind.RelativeOrAbsolute, out _))
        {
            problems.Add((Prefix + nameof(SourceMapping.Source), $"must be a URI reference (was '{mapping.Source}')."));
        }

        Constant(problems, nameof(SourceMapping.Subject), mapping.Subject, AttributeRules.MaxTextLength);
        if (!string.IsNullOrEmpty(mapping.DataContentType) && !MediaTypeHeaderValue.TryParse(mapping.DataContentType, out _))
        {
            problems.Add((Prefix + nameof(SourceMapping.DataContentType), $"must be a media type such as 'text/plain' (was '{mapping.DataContentType}')."));
        }

        Extensions(problems, mapping.Extensions);
        return problems;
    }

    private static void Extensions(List<(string Field, string Message)> problems, Dictionary<string, string>? extensions)
    {
        if (extensions is null)
        {
            return;
        }

        if (extensions.Count > AttributeRules.MaxProperties)
        {
            problems.Add((Prefix + nameof(SourceMapping.Extensions), $"At most {AttributeRules.MaxProperties} extensions (has {extensions.Count})."));
        }

        foreach (var (name, text) in extensions)
        {
            var field = $"{nameof(SourceMapping.Extensions)}:{name}";
            if (!CloudEventAttributes.IsValidExtensionName(name))
            {
                problems.Add((Prefix + field, $"'{name}' is no CloudEvents extension name: 1-20 lower-case letters or digits."));
            }
            else if (CloudEventAttributes.IsReserved(name))
            {
                problems.Add((Prefix + field, $"'{name}' is a CloudEvents attribute or one Bridge sets itself; choose another name."));
            }

            if (string.IsNullOrEmpty(text))
            {
                problems.Add((Prefix + field, "needs an expression, e.g. 'property:region'."));
            }
            else
            {
                Expression(problems, field, text);
            }
        }
    }

    private static void Expression(List<(string Field, string Message)> problems, string field, string? text, string also = "")
    {
        if (!string.IsNullOrEmpty(text) && !SourceExpression.TryParse(text, out _, out var error))
        {
            problems.Add((Prefix + field, error.TrimEnd('.') + also + "."));
        }
    }

    private static void Constant(List<(string Field, string Message)> problems, string field, string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.Length > maxLength || value.Any(char.IsControl))
        {
            problems.Add((Prefix + field, $"must be 1 to {maxLength} characters without control characters."));
        }
    }
}
