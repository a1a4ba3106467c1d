using System.Text.Json;
using Bridge.Envelopes;

namespace Bridge.Sources;

/// <summary>A message body as envelope data: JSON text under a JSON media type, plain bytes under any other.</summary>
/// <param name="Bytes">The data, copied out of the message.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Document">The data parsed, when it is JSON; disposed with the <see cref="SourceContext"/> that takes it.</param>
internal sealed record MessageBody(byte[] Bytes, string ContentType, JsonDocument? Document)
{
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = EnvelopeSerializer.MaxReadDepth };

    /// <summary>
    /// Reads <paramref name="body"/> of media type <paramref name="contentType"/>. An empty body is JSON <c>null</c>, as for
    /// an event published without data; a body of a JSON media type must be JSON; a body of no media type is JSON when it
    /// parses as JSON, else bytes (<c>application/octet-stream</c>); a body of any other media type is bytes.
    /// </summary>
    /// <exception cref="SourceRejectedException">The media type says JSON but the body is not (<see cref="SourceFailureReasons.InvalidJson"/>).</exception>
    public static MessageBody Read(ReadOnlyMemory<byte> body, string? contentType)
    {
        if (body.IsEmpty)
        {
            return new("null"u8.ToArray(), MediaTypes.Json, null);
        }

        if (contentType is not null && !MediaTypes.IsJson(contentType))
        {
            return new(body.ToArray(), contentType, null);
        }

        // JSON is carried inline in the envelope, where a byte order mark would break it.
        var bytes = (body.Span.StartsWith("\uFEFF"u8) ? body[3..] : body).ToArray();
        try
        {
            return new(bytes, contentType ?? MediaTypes.Json, JsonDocument.Parse(bytes, ReadOptions));
        }
        catch (JsonException ex)
        {
            return contentType is null
                ? new(body.ToArray(), MediaTypes.OctetStream, null)
                : throw new SourceRejectedException(SourceFailureReasons.InvalidJson, $"The body is not JSON, yet its content type is '{contentType}': {ex.Message}");
        }
    }
}
