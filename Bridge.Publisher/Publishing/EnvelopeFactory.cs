using System.Diagnostics;
using Bridge.Envelopes;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Publishing;

/// <summary>Stamps ids, time, correlation and trace context onto a published event.</summary>
public sealed class EnvelopeFactory(TimeProvider timeProvider, IOptions<PublisherOptions> options)
{
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
