using Bridge.Envelopes;

namespace Bridge.Publisher.Publishing;

/// <summary>What a caller may say about an event besides its data. Everything is optional; Bridge fills in the rest.</summary>
public sealed record EventAttributes
{
    /// <summary>No attributes given.</summary>
    public static readonly EventAttributes None = new();

    /// <summary>CloudEvents id; also the message id and the receivers' idempotency key. Generated when absent.</summary>
    public string? Id { get; init; }

    /// <summary>CloudEvents type.</summary>
    public string? Type { get; init; }

    /// <summary>CloudEvents subject.</summary>
    public string? Subject { get; init; }

    /// <summary>CloudEvents source.</summary>
    public string? Source { get; init; }

    /// <summary>CloudEvents time (when the occurrence happened). Bridge's acceptance time when absent.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>CloudEvents dataschema.</summary>
    public string? DataSchema { get; init; }

    /// <summary>CloudEvents datacontenttype (a JSON media type).</summary>
    public string? DataContentType { get; init; }

    /// <summary>The event's own correlation id, when it carries one.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Envelopes sharing it are delivered in order.</summary>
    public string? OrderingKey { get; init; }

    /// <summary>Application properties subscriptions may filter on.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = Envelope.EmptyProperties;

    /// <summary>Checks every attribute and adds a message per problem to <paramref name="errors"/> under <paramref name="prefix"/>.</summary>
    public void Validate(string prefix, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Check(errors, prefix + "id", Id, 128);
        HeaderSafe(errors, prefix + "id", Id);
        HeaderSafe(errors, prefix + "correlationid", CorrelationId);
        Check(errors, prefix + "type", Type, 256);
        Check(errors, prefix + "subject", Subject, 1024);
        Check(errors, prefix + "source", Source, 1024);
        Check(errors, prefix + "dataschema", DataSchema, 1024);
        Check(errors, prefix + "correlationid", CorrelationId, 128);
        Check(errors, prefix + "orderingKey", OrderingKey, 128);
        if (Source is not null && !Uri.TryCreate(Source, UriKind.RelativeOrAbsolute, out _))
        {
            errors[prefix + "source"] = ["source must be a URI reference."];
        }

        if (DataSchema is not null && !Uri.TryCreate(DataSchema, UriKind.Absolute, out _))
        {
            errors[prefix + "dataschema"] = ["dataschema must be an absolute URI."];
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

    /// <summary>
    /// The id and the correlation id travel as HTTP headers on every delivery (<c>webhook-id</c>, <c>X-Correlation-Id</c>):
    /// they must be visible ASCII, or the event could be accepted and never delivered.
    /// </summary>
    private static void HeaderSafe(IDictionary<string, string[]> errors, string key, string? value)
    {
        if (value is not null && !errors.ContainsKey(key) && !Correlation.IsValid(value))
        {
            errors[key] = [$"Must be 1 to {Correlation.MaxLength} visible ASCII characters (no spaces): it is sent as an HTTP header on delivery."];
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
