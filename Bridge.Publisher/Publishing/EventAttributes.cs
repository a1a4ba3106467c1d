using Bridge.Envelopes;

namespace Bridge.Publisher.Publishing;

/// <summary>What a caller may say about an event besides its data.</summary>
/// <param name="Type">CloudEvents type.</param>
/// <param name="Subject">CloudEvents subject.</param>
/// <param name="Source">CloudEvents source.</param>
/// <param name="OrderingKey">Envelopes sharing it are delivered in order.</param>
/// <param name="Properties">Application properties subscriptions may filter on.</param>
public sealed record EventAttributes(string? Type, string? Subject, string? Source, string? OrderingKey, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>Checks every attribute and adds a message per problem to <paramref name="errors"/> under <paramref name="prefix"/>.</summary>
    public void Validate(string prefix, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Check(errors, prefix + "type", Type, 256);
        Check(errors, prefix + "subject", Subject, 1024);
        Check(errors, prefix + "source", Source, 1024);
        Check(errors, prefix + "orderingKey", OrderingKey, 128);
        if (Source is not null && !Uri.TryCreate(Source, UriKind.RelativeOrAbsolute, out _))
        {
            errors[prefix + "source"] = ["source must be a URI reference."];
        }

        if (Properties.Count > 32)
        {
            errors[prefix + "properties"] = ["At most 32 properties."];
        }

        foreach (var (name, value) in Properties)
        {
            if (!CloudEventAttributes.IsValidExtensionName(name) || CloudEventAttributes.IsReserved(name))
            {
                errors[$"{prefix}properties.{name}"] = ["Property names are 1-20 lower-case letters or digits and not a CloudEvents attribute name."];
            }
            else
            {
                Check(errors, $"{prefix}properties.{name}", value, 1024);
            }
        }
    }

    private static void Check(IDictionary<string, string[]> errors, string key, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.Length > maxLength)
        {
            errors[key] = [$"Must be 1 to {maxLength} characters."];
        }
        else if (value.Any(char.IsControl))
        {
            errors[key] = ["Must not contain control characters."];
        }
    }
}
