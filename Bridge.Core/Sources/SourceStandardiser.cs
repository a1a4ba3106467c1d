using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// Turns a message another system wrote to a broker into envelopes, whatever broker it came from. It recognises, in this
/// order: a CloudEvent in structured JSON mode (<c>application/cloudevents+json</c>, which a Bridge envelope is) or a batch
/// of them (<c>application/cloudevents-batch+json</c>); a CloudEvent in binary mode of the AMQP binding (<c>cloudEvents:</c>
/// or <c>cloudEvents_</c> application properties); JSON; any other bytes, carried with their content type. A CloudEvent's
/// own attributes win and the source's <see cref="SourceMapping"/> fills what it lacks; for any other message the mapping
/// gives every attribute.
/// </summary>
public static class SourceStandardiser
{
    /// <summary>
    /// Standardises <paramref name="message"/>, received from the source <paramref name="sourceName"/> at
    /// <paramref name="now"/>. Never throws for a bad message or mapping: the result then says why it failed.
    /// </summary>
    public static StandardisedMessage Standardise(string sourceName, SourceMessage message, SourceMapping mapping, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(mapping);
        var input = new SourceInput(sourceName, message, mapping, now);
        try
        {
            return StandardisedMessage.Succeeded(
                MediaTypes.Is(message.ContentType, MediaTypes.CloudEvent) ? StructuredCloudEvents.Read(input, batch: false)
                : MediaTypes.Is(message.ContentType, MediaTypes.CloudEventBatch) ? StructuredCloudEvents.Read(input, batch: true)
                : BinaryCloudEvent.Recognise(message) ? [BinaryCloudEvent.Read(input)]
                : [Plain(input)]);
        }
        catch (SourceRejectedException rejected)
        {
            return StandardisedMessage.Failure(rejected.Reason, rejected.Message);
        }
    }

    /// <summary>A message that is no CloudEvent: JSON or bytes, every attribute from the mapping.</summary>
    private static Envelope Plain(SourceInput input)
    {
        var given = input.Message.ContentType is { Length: > 0 } contentType ? contentType : null;
        var mapped = given is null && input.Mapping.DataContentType is { Length: > 0 } ? input.Mapping.DataContentType : null;
        var body = MessageBody.Read(input.Message.Body, given ?? mapped);
        using var context = input.For(body.Bytes, body.ContentType, body.Document);
        var draft = new Envelope
        {
            Id = "",
            Source = "",
            Type = "",
            Time = input.Now,
            DataContentType = body.ContentType,
            Data = body.Bytes,
            CorrelationId = "",
        };
        return EnvelopeCompletion.Complete(draft, new EventFacts(false, false, null, mapped is not null), context);
    }
}
