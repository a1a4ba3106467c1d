using Bridge.Envelopes;
using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;
using Bridge.Store.Deliveries;
using Bridge.Store.Events;
using Bridge.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store.Audit;

/// <summary>
/// Writes one batch of audit entries in one transaction: events, attempts and new deliveries are inserted in bulk
/// (<see cref="BulkInsert"/>, no change tracking); the deliveries that already exist are loaded in one query, changed
/// in the order of the entries and updated by <c>SaveChanges</c>, which also inserts the (rare) dead letters.
/// </summary>
internal static class AuditBatch
{
    public static async Task WriteAsync(BridgeDbContext db, IReadOnlyList<AuditEntry> batch, bool keepPayload, CancellationToken cancellationToken)
    {
        var deliveries = await LoadDeliveriesAsync(db, batch, cancellationToken);
        var events = new List<AuditedEvent>();
        var attempts = new List<DeliveryAttempt>();
        var created = new List<DeliveryRecord>();
        foreach (var entry in batch)
        {
            switch (entry)
            {
                case AcceptedEntry accepted:
                    events.Add(ToEvent(accepted, keepPayload));
                    break;

                case AttemptEntry { Attempt: var attempt }:
                    attempts.Add(attempt);
                    Apply(Delivery(deliveries, created, attempt.Topic, attempt.Subscription, attempt.MessageId, attempt.CorrelationId, attempt.StartedAt), attempt);
                    break;

                case DeadLetterEntry { DeadLetter: var deadLetter }:
                    deadLetter.Id = 0; // a batch that failed before may have left a key on it
                    db.DeadLetters.Add(deadLetter);
                    Apply(Delivery(deliveries, created, deadLetter.Topic, deadLetter.Subscription, deadLetter.MessageId, deadLetter.CorrelationId, deadLetter.DeadLetteredAt), deadLetter);
                    break;
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await BulkInsert.InsertAsync(db, events, cancellationToken);
        await BulkInsert.InsertAsync(db, attempts, cancellationToken);
        await BulkInsert.InsertAsync(db, created, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Builds the model and compiles the delivery query, so the first batch is written as fast as the others.</summary>
    public static async Task WarmUpAsync(BridgeDbContext db, CancellationToken cancellationToken) =>
        await LoadDeliveriesAsync(db, [new AttemptEntry(new DeliveryAttempt { Topic = "", Subscription = "", MessageId = "", CorrelationId = "" })], cancellationToken);

    /// <summary>
    /// The existing deliveries of the batch in one query. Topics, subscriptions and message ids are matched each as a
    /// set, which the unique (topic, subscription, message id) index answers; a row of another combination may come too.
    /// </summary>
    private static async Task<Dictionary<(string, string, string), DeliveryRecord>> LoadDeliveriesAsync(
        BridgeDbContext db, IReadOnlyList<AuditEntry> batch, CancellationToken cancellationToken)
    {
        var keys = batch
            .Select(e => e switch
            {
                AttemptEntry { Attempt: var a } => (a.Topic, a.Subscription, a.MessageId),
                DeadLetterEntry { DeadLetter: var d } => (d.Topic, d.Subscription, d.MessageId),
                _ => default((string Topic, string Subscription, string MessageId)?),
            })
            .OfType<(string Topic, string Subscription, string MessageId)>()
            .ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var topics = keys.Select(k => k.Topic).Distinct(StringComparer.Ordinal).ToList();
        var subscriptions = keys.Select(k => k.Subscription).Distinct(StringComparer.Ordinal).ToList();
        var messageIds = keys.Select(k => k.MessageId).Distinct(StringComparer.Ordinal).ToList();
        var rows = await db.Deliveries
            .Where(d => topics.Contains(d.Topic) && subscriptions.Contains(d.Subscription) && messageIds.Contains(d.MessageId))
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(d => (d.Topic, d.Subscription, d.MessageId));
    }

    /// <summary>The delivery an entry changes: loaded (tracked, so updated), or new (inserted in bulk).</summary>
    private static DeliveryRecord Delivery(
        Dictionary<(string, string, string), DeliveryRecord> deliveries, List<DeliveryRecord> created,
        string topic, string subscription, string messageId, string correlationId, DateTimeOffset at)
    {
        if (!deliveries.TryGetValue((topic, subscription, messageId), out var delivery))
        {
            delivery = new DeliveryRecord
            {
                Topic = topic,
                Subscription = subscription,
                MessageId = messageId,
                CorrelationId = correlationId,
                Status = DeliveryStatus.Pending,
                FirstAttemptAt = at,
                LastAttemptAt = at,
            };
            created.Add(delivery);
            deliveries[(topic, subscription, messageId)] = delivery;
        }
        return delivery;
    }

    /// <summary>
    /// Counts the attempt (a <see cref="AttemptOutcome.Duplicate"/> made no call and is not counted) and, unless a later
    /// attempt is already recorded (another process may write out of order), makes it the delivery's latest.
    /// </summary>
    private static void Apply(DeliveryRecord delivery, DeliveryAttempt attempt)
    {
        var at = attempt.StartedAt;
        if (at < delivery.FirstAttemptAt)
        {
            delivery.FirstAttemptAt = at;
        }

        if (attempt.Outcome == AttemptOutcome.Duplicate)
        {
            delivery.Status = DeliveryStatus.Delivered;
            delivery.CompletedAt ??= at;
            return;
        }

        delivery.Attempts++;
        if (at < delivery.LastAttemptAt)
        {
            return;
        }

        delivery.LastAttemptAt = at;
        switch (attempt.Outcome)
        {
            case AttemptOutcome.Delivered:
                delivery.Status = DeliveryStatus.Delivered;
                delivery.CompletedAt = at + TimeSpan.FromMilliseconds(attempt.DurationMs);
                delivery.LastStatusCode = attempt.StatusCode;
                delivery.LastError = null;
                break;

            case AttemptOutcome.Failed or AttemptOutcome.Rejected:
                // A rejection is followed by its dead letter, which ends the delivery.
                delivery.Status = DeliveryStatus.Failing;
                delivery.CompletedAt = null;
                delivery.LastStatusCode = attempt.StatusCode;
                delivery.LastError = attempt.Error;
                break;

            default:
                // Cut off by shutdown: delivered again later; the delivery stays where it was.
                break;
        }
    }

    private static void Apply(DeliveryRecord delivery, DeadLetterRecord deadLetter)
    {
        if (delivery.Attempts == 0)
        {
            delivery.Attempts = deadLetter.DeliveryCount; // its attempts were not recorded (lost, or written elsewhere)
        }

        if (deadLetter.DeadLetteredAt >= delivery.LastAttemptAt)
        {
            delivery.Status = DeliveryStatus.DeadLettered;
            delivery.CompletedAt = deadLetter.DeadLetteredAt;
        }
    }

    private static AuditedEvent ToEvent(AcceptedEntry accepted, bool keepPayload)
    {
        var envelope = accepted.Envelope;
        var json = EnvelopeSerializer.Serialize(envelope);
        return new AuditedEvent
        {
            MessageId = envelope.Id,
            Topic = accepted.Topic,
            Type = Truncate(envelope.Type, 256),
            Source = Truncate(envelope.Source, 512),
            Subject = envelope.Subject is null ? null : Truncate(envelope.Subject, 256),
            CorrelationId = Truncate(envelope.CorrelationId, 128),
            OrderingKey = envelope.OrderingKey,
            Time = envelope.Time,
            AcceptedAt = accepted.AcceptedAt,
            SizeBytes = json.Length,
            Envelope = keepPayload ? json : null,
        };
    }

    /// <summary>Attributes longer than their column (the envelope keeps them whole) are cut, so one event cannot fail its batch.</summary>
    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
