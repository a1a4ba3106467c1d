using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bridge.Sources;

/// <summary>How values a broker carries read as the strings envelope attributes are.</summary>
internal static partial class SourceValues
{
    /// <summary>
    /// A property value as text: a string as it is, numbers in the invariant culture, booleans as <c>true</c>/<c>false</c>,
    /// a time in ISO 8601 (<c>O</c>), bytes as UTF-8.
    /// </summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        bool flag => flag ? "true" : "false",
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToString("O", CultureInfo.InvariantCulture),
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A JSON string as its text, a number or boolean as its JSON text; nothing for objects, arrays and null.</summary>
    public static string? Format(JsonElement value)
    {
        try
        {
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            };
        }
        catch (InvalidOperationException)
        {
            return null; // an escaped lone surrogate is no text
        }
    }

    /// <summary>
    /// A CloudEvents <c>time</c>: a <see cref="DateTimeOffset"/> (an AMQP timestamp) as it is, a string when it is an
    /// RFC 3339 timestamp (<c>2025-06-14T10:00:00Z</c>, with <c>Z</c> or an offset, any number of fractional digits, of
    /// which the first seven, down to a tick, are kept); otherwise null.
    /// </summary>
    public static DateTimeOffset? ParseTime(object? value) => value switch
    {
        DateTimeOffset time => time,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        string text => ParseTime(text),
        _ => null,
    };

    private static DateTimeOffset? ParseTime(string text)
    {
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var fraction = match.Groups["fraction"].Value;
        var normalised = match.Groups["seconds"].Value.ToUpperInvariant()
            + (fraction.Length > 0 ? "." + fraction[..Math.Min(fraction.Length, 7)] : "")
            + match.Groups["offset"].Value.ToUpperInvariant();
        return DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
    }

    /// <summary>True for a W3C <c>traceparent</c> of version 00: <c>00-{32 hex}-{16 hex}-{2 hex}</c>.</summary>
    public static bool IsTraceParent(string? value) => value is { Length: 55 } && TraceParent().IsMatch(value);

    [GeneratedRegex(@"^(?<seconds>[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2})(\.(?<fraction>[0-9]+))?(?<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex TraceParent();
}
