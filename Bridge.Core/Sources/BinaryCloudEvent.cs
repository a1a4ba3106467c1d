using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// A CloudEvent in binary mode of the AMQP binding: its attributes are application properties prefixed
/// <c>cloudEvents:</c> (what the Azure SDKs write) or <c>cloudEvents_</c>, the prefix and the name in any case; its data
/// is the body, and its <c>datacontenttype</c> the message's content type. When two properties name the same attribute,
/// one with the <c>cloudEvents:</c> prefix wins over one with <c>cloudEvents_</c>, and among those with the same prefix the
/// first in ordinal order of the property names.
/// </summary>
internal static class BinaryCloudEvent
{
    private const string ColonPrefix = "cloudEvents:";
    private const string UnderscorePrefix = "cloudEvents_";

    /// <summary>True when the message carries a <c>specversion</c> attribute under either prefix, in any case.</summary>
    public static bool Recognise(SourceMessage message) =>
        message.Properties.Keys.Any(key =>
            IsPrefixed(key) && key.AsSpan(ColonPrefix.Length).Equals(CloudEventAttributes.SpecVersion, StringComparison.OrdinalIgnoreCase));

    /// <summary>The envelope of the CloudEvent; the mapping fills what the event lacks.</summary>
    /// <exception cref="SourceRejectedException">The event breaks the CloudEvents rules, or its data is not what its content type says.</exception>
    public static Envelope Read(SourceInput input)
    {
        var message = input.Message;
        var attributes = Attributes(message);

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

    /// <summary>
    /// The attributes by lower-case name. Of properties naming the same attribute, a <c>cloudEvents:</c> one wins, then
    /// the first in ordinal order of the property names.
    /// </summary>
    private static Dictionary<string, object?> Attributes(SourceMessage message)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var ordered = message.Properties
            .Where(property => property.Value is not null && property.Key.Length > ColonPrefix.Length && IsPrefixed(property.Key))
            .OrderBy(property => property.Key.StartsWith(ColonPrefix, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(property => property.Key, StringComparer.Ordinal);
        foreach (var (key, value) in ordered)
        {
            attributes.TryAdd(key[ColonPrefix.Length..].ToLowerInvariant(), value);
        }
        return attributes;
    }

    /// <summary>True for a property name starting with either prefix, in any case.</summary>
    private static bool IsPrefixed(string key) =>
        key.StartsWith(ColonPrefix, StringComparison.OrdinalIgnoreCase) || key.StartsWith(UnderscorePrefix, StringComparison.OrdinalIgnoreCase);

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
