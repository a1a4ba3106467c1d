using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Envelopes;
using Bridge.Store.Deliveries;
using Bridge.Store.Events;

namespace Bridge.Replay.Audit;

/// <summary>An accepted event's attributes, as the audit API shows them.</summary>
/// <param name="MessageId">The envelope's id (CloudEvent <c>id</c>).</param>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="Type">CloudEvent <c>type</c>.</param>
/// <param name="Source">CloudEvent <c>source</c>.</param>
/// <param name="Subject">CloudEvent <c>subject</c>, if any.</param>
/// <param name="CorrelationId">The correlation id stamped on the envelope.</param>
/// <param name="OrderingKey">The ordering key (<c>partitionkey</c>), if any.</param>
/// <param name="Time">CloudEvent <c>time</c>.</param>
/// <param name="AcceptedAt">When the publisher took it (just before the broker stored it).</param>
/// <param name="SizeBytes">Size of the envelope as stored, in bytes.</param>
public sealed record EventSummary(
    string MessageId,
    string Topic,
    string Type,
    string Source,
    string? Subject,
    string CorrelationId,
    string? OrderingKey,
    DateTimeOffset Time,
    DateTimeOffset AcceptedAt,
    int SizeBytes)
{
    internal static EventSummary From(AuditedEvent e) => new(
        e.MessageId, e.Topic, e.Type, e.Source, e.Subject, e.CorrelationId, e.OrderingKey, e.Time, e.AcceptedAt, e.SizeBytes);
}

/// <summary>A page of events, newest first; pass <see cref="Next"/> as <c>after</c> for the next (older) page.</summary>
public sealed record EventPage(IReadOnlyList<EventSummary> Items, long? Next);

/// <summary>One event: its attributes, its envelope (when the audit keeps payloads) and its delivery to each subscription.</summary>
public sealed record EventDetail(EventSummary Event, JsonElement? Envelope, IReadOnlyList<DeliveryView> Deliveries)
{
    internal static EventDetail From(AuditedEvent e, IReadOnlyList<DeliveryView> deliveries)
    {
        if (e.Envelope is null)
        {
            return new EventDetail(EventSummary.From(e), null, deliveries);
        }

        using var document = JsonDocument.Parse(e.Envelope, new JsonDocumentOptions { MaxDepth = EnvelopeSerializer.MaxReadDepth });
        return new EventDetail(EventSummary.From(e), document.RootElement.Clone(), deliveries);
    }
}

/// <summary>The delivery of an envelope to one subscription, summed up.</summary>
/// <param name="Topic">Topic of the subscription.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="Status"><c>Pending</c>, <c>Delivered</c>, <c>Failing</c> or <c>DeadLettered</c>.</param>
/// <param name="Attempts">Webhook calls made so far.</param>
/// <param name="FirstAttemptAt">When the first attempt started.</param>
/// <param name="LastAttemptAt">When the latest attempt started.</param>
/// <param name="CompletedAt">When it was delivered or dead-lettered.</param>
/// <param name="LastStatusCode">HTTP status of the latest attempt, if it was answered.</param>
/// <param name="LastError">Why the latest attempt failed, if it did.</param>
public sealed record DeliveryView(
    string Topic,
    string Subscription,
    string Status,
    int Attempts,
    DateTimeOffset FirstAttemptAt,
    DateTimeOffset LastAttemptAt,
    DateTimeOffset? CompletedAt,
    int? LastStatusCode,
    string? LastError)
{
    internal static DeliveryView From(DeliveryRecord d) => new(
        d.Topic, d.Subscription, d.Status.ToString(), d.Attempts, d.FirstAttemptAt, d.LastAttemptAt, d.CompletedAt, d.LastStatusCode, d.LastError);
}

/// <summary>Everything that happened to an envelope, oldest first.</summary>
public sealed record EventTimeline(string MessageId, IReadOnlyList<TimelineEntry> Entries);

/// <summary>One thing that happened to an envelope; <c>kind</c> says which.</summary>
/// <param name="At">When it happened.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(AcceptedTimelineEntry), "accepted")]
[JsonDerivedType(typeof(AttemptTimelineEntry), "attempt")]
[JsonDerivedType(typeof(DeadLetteredTimelineEntry), "deadLettered")]
[JsonDerivedType(typeof(ReplayedTimelineEntry), "replayed")]
public abstract record TimelineEntry(DateTimeOffset At);

/// <summary>The publisher accepted the envelope (an id published twice is accepted twice).</summary>
/// <param name="At">When the publisher took it.</param>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="CorrelationId">Its correlation id.</param>
public sealed record AcceptedTimelineEntry(DateTimeOffset At, string Topic, string CorrelationId) : TimelineEntry(At);

/// <summary>An attempt to deliver the envelope to a subscription's webhook, or a redelivery completed without a call (<c>Duplicate</c>).</summary>
/// <param name="At">When the attempt started.</param>
/// <param name="Topic">Topic of the subscription.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="Attempt">1 for the first attempt; a replay starts again at 1.</param>
/// <param name="Outcome"><c>Delivered</c>, <c>Failed</c>, <c>Rejected</c>, <c>Cancelled</c> or <c>Duplicate</c>.</param>
/// <param name="StatusCode">HTTP status answered, if any.</param>
/// <param name="DurationMs">How long the call took.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="ResponseExcerpt">The start of the response body.</param>
public sealed record AttemptTimelineEntry(
    DateTimeOffset At, string Topic, string Subscription, int Attempt, string Outcome, int? StatusCode, double DurationMs, string? Error, string? ResponseExcerpt)
    : TimelineEntry(At);

/// <summary>Delivery gave up on the envelope and dead-lettered it.</summary>
/// <param name="At">When it was dead-lettered.</param>
/// <param name="Topic">Topic of the subscription.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="Reason"><c>WebhookRejected</c> or <c>MaxAttemptsExceeded</c>.</param>
/// <param name="Description">What went wrong, in words.</param>
/// <param name="DeliveryCount">Attempts made before.</param>
public sealed record DeadLetteredTimelineEntry(DateTimeOffset At, string Topic, string Subscription, string Reason, string? Description, int DeliveryCount)
    : TimelineEntry(At);

/// <summary>The dead letter was sent back into its subscription.</summary>
/// <param name="At">When it was replayed.</param>
/// <param name="Topic">Topic of the subscription.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="RequestedBy">Who asked for it.</param>
/// <param name="DeadLetterReason">The dead-letter reason at the time.</param>
/// <param name="JobId">The replay job, when a job replayed it.</param>
public sealed record ReplayedTimelineEntry(DateTimeOffset At, string Topic, string Subscription, string RequestedBy, string? DeadLetterReason, string? JobId)
    : TimelineEntry(At);
