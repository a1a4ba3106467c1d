using System.Globalization;
using Azure.Messaging.ServiceBus;
using Bridge.Envelopes;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// How an envelope travels as a Service Bus message: the body is the structured CloudEvents JSON, the message id is
/// the envelope id (so the topic's duplicate detection drops a second publish), the session id is the ordering key
/// (or, without one, the envelope id: a session of its own), and the attributes filters look at are application
/// properties as the CloudEvents AMQP binding names them.
/// </summary>
internal static class ServiceBusEnvelopes
{
    /// <summary>The content type of every body.</summary>
    public const string ContentType = "application/cloudevents+json; charset=utf-8";

    /// <summary>Application property carrying the CloudEvents type.</summary>
    public const string TypeProperty = "cloudEvents_type";

    /// <summary>Application property carrying the CloudEvents subject.</summary>
    public const string SubjectProperty = "cloudEvents_subject";

    /// <summary>Application property naming the one subscription a resubmitted dead letter is meant for.</summary>
    public const string ResubmitProperty = "bridge_resubmit";

    /// <summary>Application property recording when Bridge dead-lettered the message (Unix milliseconds).</summary>
    public const string DeadLetteredAtProperty = "bridge_dead_lettered_at";

    /// <summary>A message carrying <paramref name="envelope"/> serialised as <paramref name="body"/>.</summary>
    public static ServiceBusMessage ToMessage(Envelope envelope, ReadOnlyMemory<byte> body, DateTimeOffset? scheduledEnqueueTime)
    {
        var message = new ServiceBusMessage(body)
        {
            MessageId = envelope.Id,
            SessionId = SessionOf(envelope),
            CorrelationId = envelope.CorrelationId,
            ContentType = ContentType,
            Subject = envelope.Subject,
        };
        if (scheduledEnqueueTime is { } at)
        {
            message.ScheduledEnqueueTime = at;
        }

        foreach (var (name, value) in envelope.Properties)
        {
            message.ApplicationProperties[name] = value;
        }

        message.ApplicationProperties[TypeProperty] = envelope.Type;
        if (envelope.Subject is not null)
        {
            message.ApplicationProperties[SubjectProperty] = envelope.Subject;
        }

        if (envelope.TraceParent is not null)
        {
            message.ApplicationProperties["Diagnostic-Id"] = envelope.TraceParent;
        }

        return message;
    }

    /// <summary>The session an envelope belongs to: its ordering key, or itself alone.</summary>
    public static string SessionOf(Envelope envelope) => envelope.OrderingKey ?? envelope.Id;

    /// <summary>The envelope a received message carries; a body that is not an envelope becomes an unreadable one (dead-lettered by the subscriber with the reason).</summary>
    public static Envelope EnvelopeOf(ServiceBusReceivedMessage message, out bool readable)
    {
        var body = message.Body.ToMemory();
        try
        {
            readable = true;
            return EnvelopeSerializer.Deserialize(body.Span);
        }
        catch (FormatException)
        {
            readable = false;
            return EnvelopeSerializer.Unreadable(message.MessageId, "/azure-service-bus", message.EnqueuedTime, body.Span);
        }
    }

    /// <summary>
    /// The subscription's own delivery limit, kept in its user metadata (the broker's limit is set out of reach, see
    /// <see cref="AzureServiceBusProvisioner"/>).
    /// </summary>
    public static string LimitMetadata(int maxDeliveryCount) =>
        string.Create(CultureInfo.InvariantCulture, $"{LimitPrefix}{maxDeliveryCount}");

    /// <summary>The delivery limit recorded by <see cref="LimitMetadata"/>, or null.</summary>
    public static int? LimitOf(string? userMetadata) =>
        userMetadata is not null && userMetadata.StartsWith(LimitPrefix, StringComparison.Ordinal)
            && int.TryParse(userMetadata.AsSpan(LimitPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : null;

    private const string LimitPrefix = "bridge:maxDeliveryCount=";

    /// <summary>When Bridge dead-lettered the message, else when it was enqueued.</summary>
    public static DateTimeOffset DeadLetteredAt(ServiceBusReceivedMessage message) =>
        message.ApplicationProperties.TryGetValue(DeadLetteredAtProperty, out var at) && at is long ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : message.EnqueuedTime;

    /// <summary>Properties to stamp on a message Bridge dead-letters: when, and after how many deliveries as Bridge counts them.</summary>
    public static Dictionary<string, object> DeadLetterStamp(DateTimeOffset now, int deliveryCount) => new(StringComparer.Ordinal)
    {
        [DeadLetteredAtProperty] = now.ToUnixTimeMilliseconds(),
        [DeliveryCountProperty] = deliveryCount,
    };

    /// <summary>The deliveries a dead letter had as Bridge counts them, else as the broker does.</summary>
    public static int DeliveryCountOf(ServiceBusReceivedMessage deadLetter) =>
        deadLetter.ApplicationProperties.TryGetValue(DeliveryCountProperty, out var count) && count is int n ? n : deadLetter.DeliveryCount;

    /// <summary>
    /// A copy of a dead letter for the one subscription it came from, as a fresh delivery: same body, session and
    /// attributes, without the dead-letter marks, under <see cref="ResubmitId"/>.
    /// </summary>
    public static ServiceBusMessage Resubmission(ServiceBusReceivedMessage deadLetter, string subscription)
    {
        var copy = new ServiceBusMessage(deadLetter) { MessageId = ResubmitId(deadLetter) };
        foreach (var name in new[] { DeadLetteredAtProperty, DeliveryCountProperty, "DeadLetterReason", "DeadLetterErrorDescription" })
        {
            copy.ApplicationProperties.Remove(name);
        }

        copy.ApplicationProperties[ResubmitProperty] = subscription;
        return copy;
    }

    /// <summary>True when <paramref name="message"/> carries envelope <paramref name="envelopeId"/> (as published or resubmitted).</summary>
    public static bool Carries(ServiceBusReceivedMessage message, string envelopeId) => EnvelopeIdOf(message) == envelopeId;

    private const string DeliveryCountProperty = "bridge_delivery_count";

    private const string ResubmitMarker = "/resubmit/";

    /// <summary>The message id of a dead letter resubmitted to one subscription: unique per dead letter, so duplicate detection lets it through once.</summary>
    public static string ResubmitId(ServiceBusReceivedMessage deadLetter) =>
        string.Create(CultureInfo.InvariantCulture, $"{EnvelopeIdOf(deadLetter)}{ResubmitMarker}{deadLetter.SequenceNumber}");

    private static string EnvelopeIdOf(ServiceBusReceivedMessage message)
    {
        var marker = message.MessageId.IndexOf(ResubmitMarker, StringComparison.Ordinal);
        return marker < 0 ? message.MessageId : message.MessageId[..marker];
    }
}
