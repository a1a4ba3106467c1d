using System.Buffers;
using System.Text.Json;
using Bridge.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Bridge.Publisher.Publishing;

/// <summary>Reads a JSON request body within a size limit, answering 415, 413 or 400 as ProblemDetails.</summary>
public static class JsonBody
{
    /// <summary>Deepest nesting accepted in event data.</summary>
    public const int MaxDataDepth = 63;

    /// <summary>The body bytes and their parsed form (the caller disposes it), or the problem that stops them being used.</summary>
    /// <param name="Json">The JSON bytes.</param>
    /// <param name="Document">The parsed JSON.</param>
    /// <param name="Problem">Why the body cannot be used.</param>
    /// <param name="Transform">For an XML body: the transform that made the JSON, <c>{publisher}/{version}</c>.</param>
    public readonly record struct Result(ReadOnlyMemory<byte> Json, JsonDocument? Document, ProblemHttpResult? Problem, string? Transform = null);

    /// <summary>Reads and checks the body of <paramref name="request"/>.</summary>
    public static async Task<Result> ReadAsync(HttpRequest request, int limit, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return new(default, null, Problems.UnsupportedMediaType(request.ContentType));
        }

        var (bytes, problem) = await ReadBytesAsync(request, limit, what, cancellationToken);
        return problem is not null ? new(default, null, problem) : Parse(bytes);
    }

    /// <summary>Reads the body's bytes, at most <paramref name="limit"/> (413 above).</summary>
    public static async Task<(ReadOnlyMemory<byte> Bytes, ProblemHttpResult? Problem)> ReadBytesAsync(HttpRequest request, int limit, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return (default, Problems.TooLarge(what, limit));
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 4096, 1, limit + 1L));
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return (default, Problems.TooLarge(what, limit));
            }
        }

        return (buffer.WrittenMemory, null);
    }

    /// <summary>Checks that <paramref name="json"/> is UTF-8 JSON within the depth limit and parses it.</summary>
    public static Result Parse(ReadOnlyMemory<byte> json)
    {
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            return new(default, null, Problems.MalformedJson("The body is not valid UTF-8; send JSON encoded as UTF-8."));
        }

        try
        {
            // One level is left for the envelope that wraps the data, so receivers with the common limit of 64 can read it.
            return new(json, JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDataDepth }), null);
        }
        catch (JsonException ex)
        {
            return new(default, null, Problems.MalformedJson(json.IsEmpty ? "The body is empty; send a JSON value." : "The body is not valid JSON: " + ex.Message));
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
