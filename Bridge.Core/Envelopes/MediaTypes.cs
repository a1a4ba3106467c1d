namespace Bridge.Envelopes;

/// <summary>
/// The media types envelope data comes in, compared the way a Content-Type is: by type and subtype, case-insensitively,
/// parameters such as <c>; charset=utf-8</c> ignored.
/// </summary>
public static class MediaTypes
{
    /// <summary>JSON, the media type of data Bridge's publisher accepts.</summary>
    public const string Json = "application/json";

    /// <summary>Bytes of no known kind.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>One CloudEvent in structured JSON mode.</summary>
    public const string CloudEvent = CloudEventAttributes.StructuredMediaType;

    /// <summary>A JSON array of CloudEvents in structured JSON mode.</summary>
    public const string CloudEventBatch = "application/cloudevents-batch+json";

    private const string JsonSuffix = "+json";

    /// <summary>
    /// True when <paramref name="mediaType"/> says the data is JSON: <c>application/json</c>, <c>text/json</c> or any
    /// <c>type/subtype+json</c>. Envelope data of such a type is JSON text; of any other type, it is plain bytes.
    /// </summary>
    public static bool IsJson(string? mediaType)
    {
        if (mediaType is null)
        {
            return false;
        }

        // The common case, and Envelope's default: no parsing, no allocation.
        if (string.Equals(mediaType, Json, StringComparison.Ordinal))
        {
            return true;
        }

        var essence = Essence(mediaType);
        if (essence.Equals(Json, StringComparison.OrdinalIgnoreCase) || essence.Equals("text/json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var slash = essence.IndexOf('/');
        return slash > 0
            && essence.Length - slash - 1 > JsonSuffix.Length
            && essence.EndsWith(JsonSuffix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when the media type of <paramref name="contentType"/> is <paramref name="mediaType"/>, parameters ignored.</summary>
    public static bool Is(string? contentType, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        return contentType is not null && Essence(contentType).Equals(mediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The type and subtype of a Content-Type, without its parameters or surrounding white space.</summary>
    private static ReadOnlySpan<char> Essence(string contentType)
    {
        var span = contentType.AsSpan();
        var parameters = span.IndexOf(';');
        return (parameters >= 0 ? span[..parameters] : span).Trim();
    }
}
