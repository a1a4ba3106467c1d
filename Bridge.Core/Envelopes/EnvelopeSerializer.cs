using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Bridge.Envelopes;

/// <summary>
/// Writes and reads envelopes as CloudEvents 1.0 structured JSON. Data of a JSON media type (<see cref="MediaTypes.IsJson"/>)
/// is written inline as <c>data</c>; any other data is bytes, written base64-encoded as <c>data_base64</c>.
/// </summary>
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
        if (MediaTypes.IsJson(envelope.DataContentType))
        {
            writer.WritePropertyName(CloudEventAttributes.Data);
            writer.WriteRawValue(envelope.Data.Span, skipInputValidation: true);
        }
        else
        {
            writer.WriteBase64String(CloudEventAttributes.DataBase64, envelope.Data.Span);
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads an envelope written by <see cref="Serialize"/>, or any CloudEvent in structured JSON mode.</summary>
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
        Data = JsonSerializer.SerializeToUtf8Bytes(Encoding.UTF8.GetString(body)),
        CorrelationId = messageId,
    };

    /// <summary>
    /// Builds an envelope from a parsed CloudEvents JSON object. <c>data_base64</c> gives the decoded bytes (with the
    /// event's <c>datacontenttype</c>, <c>application/octet-stream</c> when it has none); <c>data</c> gives its JSON text,
    /// or, for a string under a media type that is not JSON, the string's UTF-8 bytes.
    /// </summary>
    /// <exception cref="FormatException">The object is not a CloudEvent Bridge can carry.</exception>
    public static Envelope FromElement(JsonElement root) => Read(root, lenient: false);

    /// <summary>
    /// Reads like <see cref="FromElement"/> but leaves a missing <c>id</c>, <c>source</c> or <c>type</c> empty (and the
    /// correlation id empty when neither it nor the id is given), for a caller that fills them in itself.
    /// </summary>
    internal static Envelope ReadLenient(JsonElement root) => Read(root, lenient: true);

    private static Envelope Read(JsonElement root, bool lenient)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A CloudEvent must be a JSON object.");
        }

        string? id = null, source = null, type = null, subject = null, correlationId = null, dataContentType = null;
        string? traceParent = null, traceState = null, partitionKey = null, specVersion = null, dataSchema = null, publisher = null;
        DateTimeOffset? time = null;
        JsonElement? data = null, dataBase64 = null;
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
                case CloudEventAttributes.DataContentType: dataContentType = property.Value.GetString(); break;
                case CloudEventAttributes.CorrelationId: correlationId = property.Value.GetString(); break;
                case CloudEventAttributes.TraceParent: traceParent = property.Value.GetString(); break;
                case CloudEventAttributes.TraceState: traceState = property.Value.GetString(); break;
                case CloudEventAttributes.PartitionKey: partitionKey = property.Value.GetString(); break;
                case CloudEventAttributes.Data: data = property.Value; break;
                case CloudEventAttributes.DataBase64: dataBase64 = property.Value; break;
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

        dataContentType ??= dataBase64 is null ? MediaTypes.Json : MediaTypes.OctetStream;
        return new Envelope
        {
            Id = id ?? (lenient ? "" : throw new FormatException("The CloudEvent has no id.")),
            Source = source ?? (lenient ? "" : throw new FormatException("The CloudEvent has no source.")),
            Type = type ?? (lenient ? "" : throw new FormatException("The CloudEvent has no type.")),
            Subject = subject,
            Time = time ?? DateTimeOffset.UnixEpoch,
            DataContentType = dataContentType,
            DataSchema = dataSchema,
            Data = ReadData(data, dataBase64, dataContentType),
            CorrelationId = correlationId ?? id ?? "",
            TraceParent = traceParent,
            TraceState = traceState,
            OrderingKey = partitionKey,
            Publisher = publisher,
            Properties = properties ?? Envelope.EmptyProperties,
        };
    }

    private static byte[] ReadData(JsonElement? data, JsonElement? dataBase64, string dataContentType)
    {
        var json = MediaTypes.IsJson(dataContentType);
        if (dataBase64 is { } encoded)
        {
            if (data is not null)
            {
                throw new FormatException("A CloudEvent carries its data in 'data' or in 'data_base64', not in both.");
            }

            return Decode(encoded, dataContentType, json);
        }

        if (data is not { } value)
        {
            return json ? "null"u8.ToArray() : [];
        }

        if (!json && value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return json || value.ValueKind != JsonValueKind.String
            ? JsonMarshal.GetRawUtf8Value(value).ToArray()
            : Encoding.UTF8.GetBytes(value.GetString()!);
    }

    private static byte[] Decode(JsonElement encoded, string dataContentType, bool json)
    {
        if (encoded.ValueKind == JsonValueKind.Null)
        {
            return json ? "null"u8.ToArray() : [];
        }

        if (encoded.ValueKind != JsonValueKind.String || !encoded.TryGetBytesFromBase64(out var bytes))
        {
            throw new FormatException("The CloudEvent's data_base64 is not a base64 string.");
        }

        if (json && !IsJsonValue(bytes))
        {
            throw new FormatException($"The CloudEvent's data_base64 does not hold JSON, yet its datacontenttype is '{dataContentType}'.");
        }

        return bytes;
    }

    /// <summary>True when <paramref name="utf8"/> is exactly one JSON value (white space around it allowed).</summary>
    private static bool IsJsonValue(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var tokens = false;
        try
        {
            while (reader.Read())
            {
                tokens = true;
            }
            return tokens;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
