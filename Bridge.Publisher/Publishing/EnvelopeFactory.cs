using System.Diagnostics;
using Bridge.Envelopes;
using Bridge.Telemetry;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Publishing;

/// <summary>Stamps ids, time, correlation and trace context onto a published event.</summary>
public sealed class EnvelopeFactory(TimeProvider timeProvider, IOptions<PublisherOptions> options)
{
    /// <summary>
    /// Creates the envelopes of one publish request and starts its span (stopped by the caller once the envelopes are
    /// accepted), each carrying the authenticated <paramref name="publisher"/>. A single envelope's creation context is the publish span; in a batch each envelope gets its own
    /// <c>create</c> span, which the publish span links. <paramref name="derivedId"/> gives the derived id of the i-th event.
    /// </summary>
    public (Envelope[] Envelopes, Activity? Span) CreatePublish(
        string topic, IReadOnlyList<(EventAttributes Attributes, ReadOnlyMemory<byte> Data)> events, string correlationId, string? publisher,
        Func<int, string?> derivedId)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(derivedId);
        if (events.Count == 1)
        {
            var span = MessagingSpans.StartPublish(topic, 1, correlationId);
            var envelope = Create(events[0].Attributes, events[0].Data, correlationId, span, derivedId(0), publisher);
            MessagingSpans.Created(span, envelope);
            return ([envelope], span);
        }

        var envelopes = new Envelope[events.Count];
        List<ActivityLink>? created = null;
        for (var i = 0; i < events.Count; i++)
        {
            using var create = MessagingSpans.StartCreate(topic, correlationId);
            envelopes[i] = Create(events[i].Attributes, events[i].Data, correlationId, create, derivedId(i), publisher);
            if (create is not null)
            {
                MessagingSpans.Created(create, envelopes[i]);
                (created ??= new List<ActivityLink>(events.Count)).Add(new ActivityLink(create.Context));
            }
        }
        return (envelopes, MessagingSpans.StartPublish(topic, events.Count, correlationId, created));
    }

    /// <summary>
    /// Creates the envelope of one event, in the trace context of <paramref name="activity"/>. Its id is the caller's,
    /// else <paramref name="derivedId"/> (an id derived from the request's Idempotency-Key), else a new one; it carries the
    /// authenticated <paramref name="publisher"/>, so its id is deduplicated within that publisher's events only.
    /// </summary>
    public Envelope Create(EventAttributes attributes, ReadOnlyMemory<byte> data, string correlationId, Activity? activity, string? derivedId = null, string? publisher = null)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var now = timeProvider.GetUtcNow();
        var context = activity ?? Activity.Current;
        return new Envelope
        {
            Id = attributes.Id ?? derivedId ?? Guid.CreateVersion7(now).ToString("N"),
            Source = attributes.Source ?? options.Value.DefaultSource,
            Type = attributes.Type ?? options.Value.DefaultType,
            Subject = attributes.Subject,
            Time = attributes.Time ?? now,
            DataContentType = attributes.DataContentType ?? "application/json",
            DataSchema = attributes.DataSchema,
            Data = data,
            CorrelationId = attributes.CorrelationId ?? correlationId,
            TraceParent = context?.Id is { } id && context.IdFormat == ActivityIdFormat.W3C ? id : null,
            TraceState = context?.TraceStateString,
            OrderingKey = attributes.OrderingKey,
            Properties = attributes.Properties,
            Publisher = string.IsNullOrEmpty(publisher) ? null : publisher,
        };
    }
}
