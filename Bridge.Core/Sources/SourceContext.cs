using System.Text.Json;
using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>
/// One event being standardised: the message it came in, the source's mapping and name, and its data, parsed at most once
/// and only when an expression points into it.
/// </summary>
internal sealed class SourceContext(
    string sourceName, SourceMessage message, SourceMapping mapping, DateTimeOffset now,
    ReadOnlyMemory<byte> data, string dataContentType, JsonDocument? parsed = null) : IDisposable
{
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = EnvelopeSerializer.MaxReadDepth };

    private JsonDocument? _document = parsed;
    private bool _parsed = parsed is not null;

    /// <summary>The source's name, as configured.</summary>
    public string SourceName { get; } = sourceName;

    /// <summary>The message the event came in.</summary>
    public SourceMessage Message { get; } = message;

    /// <summary>The source's mapping.</summary>
    public SourceMapping Mapping { get; } = mapping;

    /// <summary>When the message was received: the time of an event that does not carry one.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>
    /// The value of the expression set as <c>Mapping:{field}</c>; null when it is not set or gives nothing.
    /// </summary>
    /// <exception cref="SourceRejectedException">The setting is not an expression (<see cref="SourceFailureReasons.MappingFailed"/>).</exception>
    public string? Evaluate(string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!SourceExpression.TryParse(text, out var expression, out var error))
        {
            throw new SourceRejectedException(SourceFailureReasons.MappingFailed, $"Mapping:{field} {error}");
        }

        return expression.Evaluate(Message, expression.ReadsData ? Data() : null);
    }

    /// <summary>How a value from the setting <c>Mapping:{field}</c> is named in a failure: <c>Mapping:TypeFrom 'property:type'</c>.</summary>
    public static string Describe(string field, string? text) => $"Mapping:{field} '{text}'";

    /// <inheritdoc />
    public void Dispose() => _document?.Dispose();

    private JsonElement? Data()
    {
        if (!_parsed)
        {
            _parsed = true;
            if (MediaTypes.IsJson(dataContentType))
            {
                try
                {
                    _document = JsonDocument.Parse(data, ReadOptions);
                }
                catch (JsonException)
                {
                    // Data that is not JSON gives a pointer nothing; it is refused (or carried as bytes) elsewhere.
                }
            }
        }
        return _document?.RootElement;
    }
}
