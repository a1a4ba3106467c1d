using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// A CloudEvent in binary mode of the AMQP binding: its attributes are application properties prefixed
/// <c>cloudEvents:</c> (what the Azure SDKs write) or <c>cloudEvents_</c>, its data is the body, and its
/// <c>datacontenttype</c> the message's content type.
/// </summary>
internal static class BinaryCloudEvent
{
    private const string ColonPrefix = "cloudEvents:";
    private const string UnderscorePrefix = "cloudEvents_";

    /// <summary>True when the message carries a <c>specversion</c> attribute under either prefix.</summary>
    public static bool Recognise(SourceMessage message) =>
        message.Properties.ContainsKey(ColonPrefix + CloudEventAttributes.SpecVersion)
        || message.Properties.ContainsKey(UnderscorePrefix + CloudEventAttributes.SpecVersion);

    /// <summary>The envelope of the CloudEvent; the mapping fills what the event lacks.</summary>
    /// <exception cref="SourceRejectedException">The event breaks the CloudEvents rules, or its data is not what its content type says.</exception>
    public static Envelope Read(SourceInput input)
    {
        var message = input.Message;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in message.Properties)
        {
            if (AttributeName(key) is { Length: > 0 } name && value is not null)
            {
                attributes[name] = value;
            }
        }

        var specVersion = Text(attributes, CloudEventAttributes.SpecVersion);
        if (specVersion != "1.0")
        {
            throw Invalid($"The CloudEvent's specversion is '{specVersion}'; only 1.0 is supported.");
        }

        DateTimeOffset? time = null;
        if (attributes.TryGetValue(CloudEventAttributes.Time, out var given))
        {
            time = SourceValues.ParseTime(given)
                ?? throw Invalid($"The CloudEvent's time '{SourceValues.Format(given)}' is not an RFC 3339 timestamp such as 2025-06-14T10:00:00Z.");
        }

        var mappedContentType = message.ContentType is not { Length: > 0 } && Text(attributes, CloudEventAttributes.DataContentType) is null
            && input.Mapping.DataContentType is { Length: > 0 };
        var body = MessageBody.Read(message.Body, NonEmpty(message.ContentType)
            ?? Text(attributes, CloudEventAttributes.DataContentType) ?? NonEmpty(input.Mapping.DataContentType));
        using var context = input.For(body.Bytes, body.ContentType, body.Document);
        var correlationId = Text(attributes, CloudEventAttributes.CorrelationId);
        var draft = new Envelope
        {
            Id = Text(attributes, CloudEventAttributes.Id) ?? "",
            Source = Text(attributes, CloudEventAttributes.Source) ?? "",
            Type = Text(attributes, CloudEventAttributes.Type) ?? "",
            Subject = Text(attributes, CloudEventAttributes.Subject),
            DataSchema = Text(attributes, CloudEventAttributes.DataSchema),
            Time = time ?? input.Now,
            DataContentType = body.ContentType,
            Data = body.Bytes,
            CorrelationId = correlationId ?? "",
            TraceParent = Text(attributes, CloudEventAttributes.TraceParent),
            TraceState = Text(attributes, CloudEventAttributes.TraceState),
            OrderingKey = Text(attributes, CloudEventAttributes.PartitionKey),
            Publisher = Text(attributes, CloudEventAttributes.Publisher),
            Properties = Extensions(attributes),
        };

        return EnvelopeCompletion.Complete(draft, new EventFacts(true, correlationId is not null, time, mappedContentType), context);
    }

    /// <summary>The lower-case attribute name of a prefixed property; null for any other property.</summary>
    private static string? AttributeName(string key) =>
        key.StartsWith(ColonPrefix, StringComparison.OrdinalIgnoreCase) || key.StartsWith(UnderscorePrefix, StringComparison.OrdinalIgnoreCase)
            ? key[ColonPrefix.Length..].ToLowerInvariant()
            : null;

    /// <summary>Every attribute that is not one Bridge maps to an envelope member, as a property.</summary>
    private static IReadOnlyDictionary<string, string> Extensions(Dictionary<string, object?> attributes)
    {
        Dictionary<string, string>? properties = null;
        foreach (var (name, value) in attributes)
        {
            if (!CloudEventAttributes.IsReserved(name) && SourceValues.Format(value) is { Length: > 0 } text)
            {
                (properties ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = text;
            }
        }
        return properties ?? Envelope.EmptyProperties;
    }

    private static string? Text(Dictionary<string, object?> attributes, string name) =>
        attributes.TryGetValue(name, out var value) ? NonEmpty(SourceValues.Format(value)) : null;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static SourceRejectedException Invalid(string description) => new(SourceFailureReasons.InvalidCloudEvent, description);
}
