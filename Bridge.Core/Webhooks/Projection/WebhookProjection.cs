using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Envelopes;

namespace Bridge.Webhooks.Projection;

/// <summary>
/// A subscription's projection, compiled once from valid <see cref="ProjectionOptions"/> and immutable. It maps a JSON
/// object in three steps: select and rename (<c>fields</c>; without them the whole object is kept), flatten nested
/// objects (<c>flatten</c>), add <c>constants</c>. A later step wins over an earlier one on a name both produce. Only
/// JSON object data can be projected; anything else is refused with the reason (<see cref="TryApply"/>).
/// </summary>
public sealed class WebhookProjection
{
    /// <summary>The <see cref="WebhookCallResult.ErrorType"/> of an attempt whose envelope could not be projected.</summary>
    public const string ErrorType = "projection";

    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = EnvelopeSerializer.MaxReadDepth };
    private static readonly JsonWriterOptions WriteOptions = new() { MaxDepth = EnvelopeSerializer.MaxReadDepth };

    private readonly (string Name, JsonPointer Pointer)[]? _fields;
    private readonly (string Name, string Value)[] _constants;
    private readonly string? _separator;

    private WebhookProjection(ProjectionOptions options)
    {
        _fields = options.Fields?.Select(f => (f.Key, Parse(f.Value))).ToArray();
        _constants = [.. (options.Constants ?? []).Select(c => (c.Key, c.Value))];
        _separator = options.Flatten;
    }

    /// <summary>The projection as configured (a copy), as the API shows it.</summary>
    public ProjectionOptions Options => new()
    {
        Fields = _fields?.ToDictionary(f => f.Name, f => f.Pointer.Text, StringComparer.Ordinal),
        Constants = _constants.Length == 0 ? null : _constants.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal),
        Flatten = _separator,
    };

    /// <summary>Compiles <paramref name="options"/>; null for none. Throws <see cref="ArgumentException"/> when they break <see cref="ProjectionRules"/>.</summary>
    public static WebhookProjection? From(ProjectionOptions? options)
    {
        if (options is null)
        {
            return null;
        }
        if (ProjectionRules.Validate(options).FirstOrDefault() is { } problem)
        {
            throw new ArgumentException($"{problem.ApiField} {problem.Message}", nameof(options));
        }
        return new WebhookProjection(options);
    }

    /// <summary>
    /// The envelope as the webhook receives it: its <c>data</c> projected, as plain <c>application/json</c> without a
    /// <c>dataschema</c> (the schema describes the data before projection). False, with <paramref name="error"/>, when its
    /// data is not a JSON object: the envelope can never be projected.
    /// </summary>
    public bool TryApply(Envelope envelope, [NotNullWhen(true)] out Envelope? projected, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        projected = null;
        const string needs = "Projection needs JSON object data; the envelope's ";
        if (!IsJson(envelope.DataContentType))
        {
            error = $"{needs}datacontenttype is '{envelope.DataContentType}'.";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(envelope.Data, ReadOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"{needs}data is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.";
                return false;
            }
            projected = envelope with { Data = Apply(document.RootElement), DataContentType = "application/json", DataSchema = null };
            error = null;
            return true;
        }
        catch (JsonException)
        {
            error = $"{needs}data is not valid JSON (datacontenttype '{envelope.DataContentType}').";
            return false;
        }
    }

    /// <summary>Projects the JSON object <paramref name="data"/> to UTF-8 JSON.</summary>
    public byte[] Apply(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("Only a JSON object can be projected.", nameof(data));
        }

        var output = new Output();
        if (_fields is null)
        {
            foreach (var property in data.EnumerateObject())
            {
                Add(output, property.Name, property.Value);
            }
        }
        else
        {
            foreach (var (name, pointer) in _fields)
            {
                if (pointer.TryResolve(data, out var value))
                {
                    Add(output, name, value);
                }
            }
        }
        foreach (var (name, value) in _constants)
        {
            output.Set(name, new Value(default, value));
        }
        return output.ToJson();
    }

    private void Add(Output output, string name, JsonElement value)
    {
        if (_separator is null || value.ValueKind != JsonValueKind.Object || !value.EnumerateObject().Any())
        {
            // Not flattened: arrays, scalars and empty objects stay values.
            output.Set(name, new Value(value, null));
            return;
        }
        foreach (var property in value.EnumerateObject())
        {
            Add(output, name + _separator + property.Name, property.Value);
        }
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType is { } type
            && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static JsonPointer Parse(string pointer) =>
        JsonPointer.TryParse(pointer, out var parsed, out var error) ? parsed : throw new ArgumentException(error, nameof(pointer));

    /// <summary>A JSON value from the data, or a string constant.</summary>
    private readonly record struct Value(JsonElement Element, string? Constant);

    /// <summary>Output properties in the order first written; a name written again keeps its place and takes the new value.</summary>
    private sealed class Output
    {
        private readonly List<(string Name, Value Value)> _properties = [];
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public void Set(string name, Value value)
        {
            if (_index.TryGetValue(name, out var at))
            {
                _properties[at] = (name, value);
                return;
            }
            _index[name] = _properties.Count;
            _properties.Add((name, value));
        }

        public byte[] ToJson()
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, WriteOptions))
            {
                writer.WriteStartObject();
                foreach (var (name, value) in _properties)
                {
                    writer.WritePropertyName(name);
                    if (value.Constant is { } constant)
                    {
                        writer.WriteStringValue(constant);
                    }
                    else
                    {
                        value.Element.WriteTo(writer);
                    }
                }
                writer.WriteEndObject();
            }
            return buffer.WrittenSpan.ToArray();
        }
    }
}
