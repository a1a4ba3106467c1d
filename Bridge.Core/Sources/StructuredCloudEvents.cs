using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// Messages that are CloudEvents in structured JSON mode: one (<c>application/cloudevents+json</c>, which is also how a
/// Bridge envelope travels) or a batch (<c>application/cloudevents-batch+json</c>, a JSON array of them).
/// </summary>
internal static class StructuredCloudEvents
{
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = EnvelopeSerializer.MaxReadDepth };

    /// <summary>The envelopes of a structured CloudEvent, or of each event of a batch.</summary>
    /// <exception cref="SourceRejectedException">The body is not a CloudEvent (or a batch of them) Bridge can carry.</exception>
    public static IReadOnlyList<Envelope> Read(SourceInput input, bool batch)
    {
        using var document = Parse(input.Message);
        var root = document.RootElement;
        if (!batch)
        {
            return [ReadOne(root, input)];
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"A CloudEvents batch is a JSON array; this body is a JSON {Kind(root)}.");
        }

        var envelopes = new List<Envelope>(root.GetArrayLength());
        foreach (var element in root.EnumerateArray())
        {
            try
            {
                envelopes.Add(ReadOne(element, input));
            }
            catch (SourceRejectedException rejected)
            {
                throw rejected.At($"Event {envelopes.Count} of the batch: ");
            }
        }
        return envelopes;
    }

    private static Envelope ReadOne(JsonElement element, SourceInput input)
    {
        var timeElement = TimeElement(element);
        var time = Time(timeElement);
        using var rewritten = time is { } given && !timeElement!.Value.TryGetDateTimeOffset(out _) ? WithTime(element, given) : null;
        Envelope draft;
        try
        {
            draft = EnvelopeSerializer.ReadLenient(rewritten?.RootElement ?? element);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            // InvalidOperationException: an attribute of the wrong JSON kind, e.g. "id": 5.
            throw Invalid(ex is FormatException ? ex.Message : "An attribute has the wrong JSON type: " + ex.Message);
        }

        var facts = new EventFacts(
            IsCloudEvent: true,
            HasCorrelationId: element.TryGetProperty(CloudEventAttributes.CorrelationId, out var correlationId) && correlationId.ValueKind == JsonValueKind.String,
            Time: time,
            DataContentTypeFromMapping: false);
        using var context = input.For(draft.Data, draft.DataContentType);
        return EnvelopeCompletion.Complete(draft, facts, context);
    }

    /// <summary>
    /// The event's <c>time</c> (its member <paramref name="element"/>), read by the same rules as a binary CloudEvent's (RFC 3339, any number of fractional
    /// digits); null when it has none.
    /// </summary>
    /// <exception cref="SourceRejectedException">The time is not an RFC 3339 timestamp.</exception>
    private static DateTimeOffset? Time(JsonElement? element)
    {
        if (element is not { } given)
        {
            return null;
        }

        return (given.ValueKind == JsonValueKind.String ? SourceValues.ParseTime(SourceValues.Format(given)) : null)
            ?? throw Invalid($"The CloudEvent's time '{SourceValues.Format(given) ?? given.GetRawText()}' is not an RFC 3339 timestamp such as 2025-06-14T10:00:00Z.");
    }

    /// <summary>The last <c>time</c> member of an event object (the one a reader keeps); null for none or no object.</summary>
    private static JsonElement? TimeElement(JsonElement element)
    {
        JsonElement? time = null;
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals(CloudEventAttributes.Time))
                {
                    time = property.Value;
                }
            }
        }
        return time;
    }

    /// <summary>
    /// A copy of the event with its time written as Bridge writes times, for a valid RFC 3339 time that the envelope
    /// reader does not take (more fractional digits than it reads, a lower-case <c>t</c> or <c>z</c>); every other value is
    /// copied byte for byte.
    /// </summary>
    private static JsonDocument WithTime(JsonElement element, DateTimeOffset time)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals(CloudEventAttributes.Time))
                {
                    writer.WriteString(property.Name, EnvelopeSerializer.FormatTime(time));
                }
                else
                {
                    writer.WritePropertyName(property.Name);
                    writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(property.Value), skipInputValidation: true); // data byte for byte
                }
            }
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory, ReadOptions);
    }

    private static JsonDocument Parse(SourceMessage message)
    {
        try
        {
            return JsonDocument.Parse(message.Body, ReadOptions);
        }
        catch (JsonException ex)
        {
            throw Invalid($"The body is not JSON, yet its content type is '{message.ContentType}': {ex.Message}");
        }
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static SourceRejectedException Invalid(string description) => new(SourceFailureReasons.InvalidCloudEvent, description);
}
