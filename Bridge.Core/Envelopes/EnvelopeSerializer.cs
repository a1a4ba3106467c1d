using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Bridge.Envelopes;

/// <summary>Writes and reads envelopes as CloudEvents 1.0 structured JSON.</summary>
public static class EnvelopeSerializer
{
    /// <summary>Nesting allowed when reading an envelope: generous, so that whatever was accepted can always be read back.</summary>
    public const int MaxReadDepth = 256;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = false, MaxDepth = MaxReadDepth };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxReadDepth };

    /// <summary>Serialises <paramref name="envelope"/> to UTF-8 CloudEvents JSON.</summary>
    public static byte[] Serialize(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var buffer = new ArrayBufferWriter<byte>(256 + envelope.Data.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, envelope);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The CloudEvents <c>time</c> as Bridge writes it: RFC 3339 in UTC with seven fractional digits.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="envelope"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(envelope);
        writer.WriteStartObject();
        writer.WriteString(CloudEventAttributes.SpecVersion, "1.0");
        writer.WriteString(CloudEventAttributes.Id, envelope.Id);
        writer.WriteString(CloudEventAttributes.Source, envelope.Source);
        writer.WriteString(CloudEventAttributes.Type, envelope.Type);
        if (envelope.Subject is not null)
        {
            writer.WriteString(CloudEventAttributes.Subject, envelope.Subject);
        }
        writer.WriteString(CloudEventAttributes.Time, FormatTime(envelope.Time));
        writer.WriteString(CloudEventAttributes.DataContentType, envelope.DataContentType);
        WriteOptional(writer, CloudEventAttributes.DataSchema, envelope.DataSchema);
        writer.WriteString(CloudEventAttributes.CorrelationId, envelope.CorrelationId);
        WriteOptional(writer, CloudEventAttributes.TraceParent, envelope.TraceParent);
        WriteOptional(writer, CloudEventAttributes.TraceState, envelope.TraceState);
        WriteOptional(writer, CloudEventAttributes.PartitionKey, envelope.OrderingKey);
        WriteOptional(writer, CloudEventAttributes.Publisher, envelope.Publisher);
        foreach (var (name, value) in envelope.Properties)
        {
            writer.WriteString(name, value);
        }
        writer.WritePropertyName(CloudEventAttributes.Data);
        writer.WriteRawValue(envelope.Data.Span, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>Reads an envelope written by <see cref="Serialize"/> (or any CloudEvent with JSON data).</summary>
    /// <exception cref="FormatException">The bytes are not a CloudEvent Bridge can carry.</exception>
    public static Envelope Deserialize(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return FromElement(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The envelope is not valid JSON: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            // Valid JSON with an attribute of the wrong kind, e.g. "id": 5.
            throw new FormatException("The envelope has an attribute of the wrong JSON type: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// Stands in for stored bytes that cannot be read as an envelope (type <c>bridge.unreadable</c>, the raw bytes as a
    /// JSON string in <c>data</c>), so a dead letter can still be listed and inspected.
    /// </summary>
    public static Envelope Unreadable(string messageId, string source, DateTimeOffset time, ReadOnlySpan<byte> body) => new()
    {
        Id = messageId,
        Source = source,
        Type = "bridge.unreadable",
        Time = time,
        Data = JsonSerializer.SerializeToUtf8Bytes(System.Text.Encoding.UTF8.GetString(body)),
        CorrelationId = messageId,
    };

    /// <summary>Builds an envelope from a parsed CloudEvents JSON object.</summary>
    public static Envelope FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A CloudEvent must be a JSON object.");
        }

        string? id = null, source = null, type = null, subject = null, correlationId = null;
        string? traceParent = null, traceState = null, partitionKey = null, specVersion = null, dataSchema = null, publisher = null;
        string dataContentType = "application/json";
        DateTimeOffset? time = null;
        ReadOnlyMemory<byte> data = "null"u8.ToArray();
        Dictionary<string, string>? properties = null;

        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case CloudEventAttributes.SpecVersion: specVersion = property.Value.GetString(); break;
                case CloudEventAttributes.Id: id = property.Value.GetString(); break;
                case CloudEventAttributes.Source: source = property.Value.GetString(); break;
                case CloudEventAttributes.Type: type = property.Value.GetString(); break;
                case CloudEventAttributes.Subject: subject = property.Value.GetString(); break;
                case CloudEventAttributes.Time: time = property.Value.GetDateTimeOffset(); break;
                case CloudEventAttributes.DataContentType: dataContentType = property.Value.GetString() ?? dataContentType; break;
                case CloudEventAttributes.CorrelationId: correlationId = property.Value.GetString(); break;
                case CloudEventAttributes.TraceParent: traceParent = property.Value.GetString(); break;
                case CloudEventAttributes.TraceState: traceState = property.Value.GetString(); break;
                case CloudEventAttributes.PartitionKey: partitionKey = property.Value.GetString(); break;
                case CloudEventAttributes.Data: data = System.Text.Encoding.UTF8.GetBytes(property.Value.GetRawText()); break;
                case CloudEventAttributes.DataSchema: dataSchema = property.Value.GetString(); break;
                case CloudEventAttributes.Publisher: publisher = property.Value.GetString(); break;
                default:
                    properties ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    properties[property.Name] = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()!
                        : property.Value.GetRawText();
                    break;
            }
        }

        if (specVersion != "1.0")
        {
            throw new FormatException($"Unsupported CloudEvents specversion '{specVersion}'.");
        }

        return new Envelope
        {
            Id = id ?? throw new FormatException("The CloudEvent has no id."),
            Source = source ?? throw new FormatException("The CloudEvent has no source."),
            Type = type ?? throw new FormatException("The CloudEvent has no type."),
            Subject = subject,
            Time = time ?? DateTimeOffset.UnixEpoch,
            DataContentType = dataContentType,
            DataSchema = dataSchema,
            Data = data,
            CorrelationId = correlationId ?? id,
            TraceParent = traceParent,
            TraceState = traceState,
            OrderingKey = partitionKey,
            Publisher = publisher,
            Properties = properties ?? Envelope.EmptyProperties,
        };
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
