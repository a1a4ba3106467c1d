using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// Completes an envelope drafted from a source message with the source's mapping: for a CloudEvent only what it lacks,
/// for any other message every attribute. Then checks the result against <see cref="AttributeRules"/>.
/// </summary>
internal static class EnvelopeCompletion
{
    private const string TraceParentProperty = "traceparent";
    private const string TraceStateProperty = "tracestate";
    private const string DiagnosticIdProperty = "Diagnostic-Id";

    /// <summary>The source of an event that is no CloudEvent, when the mapping names none.</summary>
    public static string DefaultSource(string sourceName) => "urn:bridge:source:" + sourceName;

    /// <summary>The publisher stamped on an envelope from a source (unless it is a Bridge envelope carrying its own).</summary>
    public static string Publisher(string sourceName) => "source:" + sourceName;

    /// <summary>
    /// Fills what <paramref name="draft"/> lacks (an empty id, source or type, a null subject or ordering key) from the
    /// mapping, and stamps time, trace context and publisher.
    /// </summary>
    /// <exception cref="SourceRejectedException">A required attribute is missing or an attribute breaks a rule.</exception>
    public static Envelope Complete(Envelope draft, EventFacts facts, SourceContext context)
    {
        var mapping = context.Mapping;
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        if (facts.DataContentTypeFromMapping)
        {
            origins[CloudEventAttributes.DataContentType] = $"Mapping:{nameof(SourceMapping.DataContentType)}";
        }

        var values = new MappedValues(context, origins);

        var id = draft.Id.Length > 0 ? draft.Id
            : facts.IsCloudEvent ? throw Invalid("The CloudEvent has no id; a CloudEvent must carry one, and a mapping cannot give it.")
            : values.Id();
        var type = draft.Type.Length > 0 ? draft.Type
            : values.First(CloudEventAttributes.Type, nameof(SourceMapping.TypeFrom), mapping.TypeFrom, nameof(SourceMapping.Type), mapping.Type)
            ?? throw Missing(facts, "type", nameof(SourceMapping.TypeFrom), mapping.TypeFrom, nameof(SourceMapping.Type));
        var source = draft.Source.Length > 0 ? draft.Source
            : values.First(CloudEventAttributes.Source, nameof(SourceMapping.SourceFrom), mapping.SourceFrom, nameof(SourceMapping.Source), mapping.Source)
            ?? (facts.IsCloudEvent
                ? throw Missing(facts, "source", nameof(SourceMapping.SourceFrom), mapping.SourceFrom, nameof(SourceMapping.Source))
                : DefaultSource(context.SourceName));
        var subject = draft.Subject
            ?? values.First(CloudEventAttributes.Subject, nameof(SourceMapping.SubjectFrom), mapping.SubjectFrom, nameof(SourceMapping.Subject), mapping.Subject);
        var orderingKey = draft.OrderingKey
            ?? values.First(CloudEventAttributes.PartitionKey, nameof(SourceMapping.OrderingKeyFrom), mapping.OrderingKeyFrom, null, null);
        var correlationId = facts.HasCorrelationId ? draft.CorrelationId
            : values.CorrelationId(id);
        var (traceParent, traceState) = Trace(draft, context.Message);

        var envelope = draft with
        {
            Id = id,
            Type = type,
            Source = source,
            Subject = subject,
            OrderingKey = orderingKey,
            CorrelationId = correlationId,
            Time = facts.Time ?? context.Now,
            TraceParent = traceParent,
            TraceState = traceState,
            // Always the source: a message on the broker cannot claim a Bridge publisher's identity (nor, through the
            // dedupe id, hold back that publisher's own events with the same id).
            Publisher = Publisher(context.SourceName),
            Properties = values.Extensions(draft.Properties),
        };
        AttributeRules.Check(envelope, origins, facts.IsCloudEvent);
        return envelope;
    }

    /// <summary>
    /// The event's own W3C trace context when it is valid; else the message's <c>traceparent</c> (with its
    /// <c>tracestate</c>) or <c>Diagnostic-Id</c> property, whichever is a valid <c>traceparent</c> first.
    /// </summary>
    private static (string? TraceParent, string? TraceState) Trace(Envelope draft, SourceMessage message)
    {
        if (SourceValues.IsTraceParent(draft.TraceParent))
        {
            return (draft.TraceParent, TraceState(draft.TraceState));
        }

        if (Property(message, TraceParentProperty) is { } traceParent && SourceValues.IsTraceParent(traceParent))
        {
            return (traceParent, TraceState(Property(message, TraceStateProperty)));
        }

        return Property(message, DiagnosticIdProperty) is { } diagnosticId && SourceValues.IsTraceParent(diagnosticId)
            ? (diagnosticId, null)
            : (null, null);
    }

    /// <summary>A W3C <c>tracestate</c> is at most 512 characters of printable ASCII; anything else is dropped.</summary>
    private static string? TraceState(string? value) =>
        value is { Length: > 0 and <= 512 } && value.All(c => c is >= ' ' and < (char)127) ? value : null;

    private static string? Property(SourceMessage message, string name) =>
        message.Properties.TryGetValue(name, out var value) ? SourceValues.Format(value) : null;

    private static SourceRejectedException Invalid(string description) => new(SourceFailureReasons.InvalidCloudEvent, description);

    private static SourceRejectedException Missing(EventFacts facts, string attribute, string fromField, string? from, string constantField)
    {
        var why = (string.IsNullOrEmpty(from) ? $"Mapping:{fromField} is not set" : $"{SourceContext.Describe(fromField, from)} gave nothing")
            + $" and Mapping:{constantField} is not set.";
        return facts.IsCloudEvent
            ? Invalid($"The CloudEvent has no {attribute}, and the mapping gives none: {why}")
            : new(SourceFailureReasons.MappingFailed, $"No {attribute}: {why}");
    }
}
