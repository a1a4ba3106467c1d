namespace Bridge.Envelopes;

/// <summary>
/// The unit Bridge moves: a CloudEvents 1.0 event whose <see cref="Data"/> is the JSON a publisher posted,
/// plus the extension attributes Bridge relies on (correlation id, trace context, ordering key).
/// </summary>
public sealed record Envelope
{
    /// <summary>CloudEvents <c>id</c>; also the message id and the idempotency key receivers see.</summary>
    public required string Id { get; init; }

    /// <summary>CloudEvents <c>source</c> (a URI reference).</summary>
    public required string Source { get; init; }

    /// <summary>CloudEvents <c>type</c>, e.g. <c>order.created</c>.</summary>
    public required string Type { get; init; }

    /// <summary>CloudEvents <c>subject</c>, optional.</summary>
    public string? Subject { get; init; }

    /// <summary>CloudEvents <c>time</c>: when Bridge accepted the event.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>CloudEvents <c>datacontenttype</c>: JSON for what publishers post; any media type for what a broker source read.</summary>
    public string DataContentType { get; init; } = "application/json";

    /// <summary>CloudEvents <c>dataschema</c>, optional.</summary>
    public string? DataSchema { get; init; }

    /// <summary>
    /// The event payload: raw UTF-8 JSON when <see cref="DataContentType"/> is a JSON type (<see cref="MediaTypes.IsJson"/>),
    /// otherwise the bytes as they are (serialised as <c>data_base64</c>).
    /// </summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Extension <c>correlationid</c>: ties every hop of one business flow together.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>Extension <c>traceparent</c> (W3C trace context of the publish span).</summary>
    public string? TraceParent { get; init; }

    /// <summary>Extension <c>tracestate</c>.</summary>
    public string? TraceState { get; init; }

    /// <summary>Extension <c>partitionkey</c>: envelopes sharing it are delivered in order, one at a time.</summary>
    public string? OrderingKey { get; init; }

    /// <summary>
    /// Extension <c>publisher</c>: the authenticated publisher that published the event, stamped by Bridge (a caller cannot
    /// set it). CloudEvents ids are unique per producer, so duplicates are recognised per publisher (<see cref="DedupeId"/>).
    /// </summary>
    public string? Publisher { get; init; }

    /// <summary>
    /// What delivery dedupe knows the envelope by: its id within its publisher (<c>{publisher}/{id}</c>), or the id alone
    /// when no publisher is known. Another publisher's event with the same id is a different event.
    /// </summary>
    public string DedupeId => Publisher is { Length: > 0 } publisher ? $"{publisher}/{Id}" : Id;

    /// <summary>Application properties, carried as further extension attributes; subscription filters can match them.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = EmptyProperties;

    /// <summary>An empty, shared property map.</summary>
    public static readonly IReadOnlyDictionary<string, string> EmptyProperties =
        new Dictionary<string, string>(StringComparer.Ordinal);
}
