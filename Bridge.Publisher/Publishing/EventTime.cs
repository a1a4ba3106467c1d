using CloudNative.CloudEvents;

namespace Bridge.Publisher.Publishing;

/// <summary>
/// Reads the CloudEvents <c>time</c> attribute with the CloudEvents SDK's own RFC 3339 parser (the spec's format:
/// <c>2025-06-14T10:00:00Z</c>, an offset, up to 7 fraction digits). <see cref="DateTimeOffset.TryParse(string, out DateTimeOffset)"/>
/// also took forms such as <c>2025-06-14 10:00</c> and read them in the server's time zone.
/// </summary>
public static class EventTime
{
    /// <summary>Parses an RFC 3339 timestamp; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string text, out DateTimeOffset time)
    {
        try
        {
            time = (DateTimeOffset)CloudEventsSpecVersion.V1_0.TimeAttribute.Parse(text);
            return true;
        }
        catch (ArgumentException)
        {
            time = default;
            return false;
        }
    }
}
