namespace Bridge.Sources;

/// <summary>
/// How a source's messages become envelopes where they do not say it themselves (configuration
/// <c>Bridge:Sources:{name}:Mapping</c>). Every <c>...From</c> setting is an expression:
/// <c>messageId</c>, <c>correlationId</c>, <c>sessionId</c>, <c>subject</c>, <c>routingKey</c>, <c>property:NAME</c> or
/// <c>data:/json/pointer</c> (an RFC 6901 pointer into the event's JSON data; a string gives its text, a number or
/// boolean its JSON text, anything else nothing). An expression's value wins over the matching constant, which is the fallback. A CloudEvent's
/// own attributes win over both: the mapping fills only what the event lacks.
/// </summary>
public sealed class SourceMapping
{
    /// <summary>The value of <see cref="IdFrom"/> that derives the id from the message's content (see <see cref="IdFrom"/>).</summary>
    public const string ContentHash = "contentHash";

    /// <summary>The event type when <see cref="TypeFrom"/> gives none. One of the two must be set.</summary>
    public string? Type { get; set; }

    /// <summary>Where the event type comes from.</summary>
    public string? TypeFrom { get; set; }

    /// <summary>
    /// The event source when <see cref="SourceFrom"/> gives none (a URI reference). For a message that is not a CloudEvent,
    /// <c>urn:bridge:source:{name}</c> when this is empty too.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>Where the event source comes from.</summary>
    public string? SourceFrom { get; set; }

    /// <summary>The event subject when <see cref="SubjectFrom"/> gives none; no subject when empty.</summary>
    public string? Subject { get; set; }

    /// <summary>Where the event subject comes from.</summary>
    public string? SubjectFrom { get; set; }

    /// <summary>Where the ordering key comes from (envelopes sharing one are delivered in order); none when empty.</summary>
    public string? OrderingKeyFrom { get; set; }

    /// <summary>Where the correlation id comes from; the envelope's id when it gives nothing.</summary>
    public string? CorrelationIdFrom { get; set; } = "correlationId";

    /// <summary>
    /// Where the event id comes from; a new random id when it gives nothing. <see cref="ContentHash"/> derives a
    /// UUID-shaped id (32 hex digits) from a SHA-256 of the source name, content type and body, so the same message
    /// written twice is recognised as a duplicate.
    /// </summary>
    public string? IdFrom { get; set; } = "messageId";

    /// <summary>The media type of the data when the message has no content type.</summary>
    public string? DataContentType { get; set; }

    /// <summary>
    /// Extension attributes to add, by CloudEvents name (1-20 lower-case letters or digits, not a CloudEvents or Bridge
    /// attribute): name → expression. Subscription filters can match them.
    /// </summary>
    public Dictionary<string, string> Extensions { get; set; } = new(StringComparer.Ordinal);
}
