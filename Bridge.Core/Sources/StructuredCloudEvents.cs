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
        Envelope draft;
        try
        {
            draft = EnvelopeSerializer.ReadLenient(element);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            // InvalidOperationException: an attribute of the wrong JSON kind, e.g. "id": 5.
            throw Invalid(ex is FormatException ? ex.Message : "An attribute has the wrong JSON type: " + ex.Message);
        }

        var facts = new EventFacts(
            IsCloudEvent: true,
            HasCorrelationId: element.TryGetProperty(CloudEventAttributes.CorrelationId, out var correlationId) && correlationId.ValueKind == JsonValueKind.String,
            Time: element.TryGetProperty(CloudEventAttributes.Time, out _) ? draft.Time : null,
            DataContentTypeFromMapping: false);
        using var context = input.For(draft.Data, draft.DataContentType);
        return EnvelopeCompletion.Complete(draft, facts, context);
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
