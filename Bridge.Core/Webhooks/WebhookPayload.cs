using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Bridge.Envelopes;

namespace Bridge.Webhooks;

/// <summary>
/// What one webhook call carries in each <see cref="WebhookFormat"/>: the body (which is what gets signed) and the
/// headers that carry the envelope's attributes. Header values are percent-encoded as the CloudEvents HTTP binding
/// requires: space, <c>"</c>, <c>%</c> and everything outside printable ASCII, as UTF-8 bytes.
/// </summary>
public static class WebhookPayload
{
    /// <summary>Header prefix of the binary format's attributes.</summary>
    public const string AttributePrefix = "ce-";

    /// <summary>The data format's headers (beside <c>webhook-id</c>, which is the event id too, and <c>X-Correlation-Id</c>).</summary>
    public const string EventIdHeader = "X-Event-Id";

    /// <inheritdoc cref="EventIdHeader"/>
    public const string EventTypeHeader = "X-Event-Type";

    /// <inheritdoc cref="EventIdHeader"/>
    public const string EventSourceHeader = "X-Event-Source";

    /// <inheritdoc cref="EventIdHeader"/>
    public const string EventSubjectHeader = "X-Event-Subject";

    /// <inheritdoc cref="EventIdHeader"/>
    public const string EventTimeHeader = "X-Event-Time";

    private static readonly MediaTypeHeaderValue Structured = MediaTypeHeaderValue.Parse(CloudEventAttributes.StructuredMediaType + "; charset=utf-8");
    private static readonly MediaTypeHeaderValue Json = MediaTypeHeaderValue.Parse("application/json");

    /// <summary>The body a call in <paramref name="format"/> sends: <paramref name="structured"/> (the serialised envelope) or the envelope's data.</summary>
    public static ReadOnlyMemory<byte> Body(WebhookFormat format, Envelope envelope, ReadOnlyMemory<byte> structured)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return format == WebhookFormat.Structured ? structured : envelope.Data;
    }

    /// <summary>Sets the content type and the attribute headers of a call in <paramref name="format"/>.</summary>
    public static void Describe(HttpRequestMessage request, WebhookFormat format, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(envelope);
        var content = request.Content ?? throw new ArgumentException("The request has no content.", nameof(request));
        if (format == WebhookFormat.Structured)
        {
            content.Headers.ContentType = Structured;
            return;
        }

        content.Headers.ContentType = MediaTypeHeaderValue.TryParse(envelope.DataContentType, out var type) ? type : Json;
        if (format == WebhookFormat.Binary)
        {
            foreach (var (name, value) in Attributes(envelope))
            {
                request.Headers.TryAddWithoutValidation(AttributePrefix + name, Encode(value));
            }
            return;
        }

        request.Headers.TryAddWithoutValidation(EventIdHeader, Encode(envelope.Id));
        request.Headers.TryAddWithoutValidation(EventTypeHeader, Encode(envelope.Type));
        request.Headers.TryAddWithoutValidation(EventSourceHeader, Encode(envelope.Source));
        if (envelope.Subject is { } subject)
        {
            request.Headers.TryAddWithoutValidation(EventSubjectHeader, Encode(subject));
        }
        request.Headers.TryAddWithoutValidation(EventTimeHeader, Time(envelope));
    }

    /// <summary>Every attribute but <c>data</c> and <c>datacontenttype</c> (the body and its Content-Type), as the structured format writes it.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Attributes(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        yield return new(CloudEventAttributes.SpecVersion, "1.0");
        yield return new(CloudEventAttributes.Id, envelope.Id);
        yield return new(CloudEventAttributes.Source, envelope.Source);
        yield return new(CloudEventAttributes.Type, envelope.Type);
        if (envelope.Subject is { } subject)
        {
            yield return new(CloudEventAttributes.Subject, subject);
        }
        yield return new(CloudEventAttributes.Time, Time(envelope));
        if (envelope.DataSchema is { } schema)
        {
            yield return new(CloudEventAttributes.DataSchema, schema);
        }
        yield return new(CloudEventAttributes.CorrelationId, envelope.CorrelationId);
        foreach (var (name, value) in new[]
        {
            (CloudEventAttributes.TraceParent, envelope.TraceParent), (CloudEventAttributes.TraceState, envelope.TraceState),
            (CloudEventAttributes.PartitionKey, envelope.OrderingKey), (CloudEventAttributes.Publisher, envelope.Publisher),
        })
        {
            if (value is not null)
            {
                yield return new(name, value);
            }
        }
        foreach (var property in envelope.Properties)
        {
            yield return property;
        }
    }

    /// <summary>Percent-encodes what a header value may not carry as is (CloudEvents HTTP binding, 3.1.3.2).</summary>
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var plain = true;
        foreach (var c in value)
        {
            if (MustEncode(c))
            {
                plain = false;
                break;
            }
        }
        if (plain)
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b >= 0x80 || MustEncode((char)b))
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append((char)b);
            }
        }
        return text.ToString();
    }

    private static bool MustEncode(char c) => c is ' ' or '"' or '%' || c < '!' || c > '~';

    private static string Time(Envelope envelope) => EnvelopeSerializer.FormatTime(envelope.Time);
}
