using System.Collections;
using System.Globalization;
using System.Text;
using global::RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ.Sources;

/// <summary>AMQP 0-9-1 header values as plain values, and the names under which a source sees the message's basic properties.</summary>
internal static class AmqpValues
{
    /// <summary>The AMQP <c>type</c> property.</summary>
    public const string TypeProperty = "amqp:type";

    /// <summary>The AMQP <c>app-id</c> property.</summary>
    public const string AppIdProperty = "amqp:app-id";

    /// <summary>The AMQP <c>timestamp</c> property.</summary>
    public const string TimestampProperty = "amqp:timestamp";

    /// <summary>
    /// A header value as string, long, int, double, bool, DateTimeOffset or a text: AMQP strings arrive as bytes (taken
    /// as UTF-8), timestamps as <see cref="AmqpTimestamp"/>, tables and arrays are written out as text.
    /// </summary>
    public static object? Plain(object? value) => value switch
    {
        null => null,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string or long or int or double or bool => value,
        short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float single => (double)single,
        decimal number => number.ToString(CultureInfo.InvariantCulture),
        AmqpTimestamp timestamp => DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime),
        IDictionary table => "{" + string.Join(", ", table.Keys.Cast<object>().Select(k => $"{k}: {Plain(table[k])}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Plain)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
