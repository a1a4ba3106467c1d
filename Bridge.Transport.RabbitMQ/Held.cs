using System.Text;
using Bridge.Envelopes;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>A delivery held unacknowledged on a receiver's channel.</summary>
internal sealed record Held(
    ulong DeliveryTag,
    Envelope? Envelope,
    string? Error,
    ReadOnlyMemory<byte> Body,
    IReadOnlyBasicProperties Properties,
    int DeliveryCount,
    DateTimeOffset EnqueuedTime)
{
    public string LockToken { get; init; } = "";

    public DateTimeOffset LockedUntil { get; init; }

    public DateTimeOffset DueAt { get; init; }

    /// <summary>Which of the session's consumers it was pushed to: it takes up that consumer's prefetch until settled.</summary>
    public int Generation { get; init; }

    public string MessageId => Envelope?.Id ?? Properties.MessageId ?? "(unknown)";

    public string? OrderingKey => Envelope?.OrderingKey;

    public static Held From(BasicGetResult got, TimeProvider time) => From(got.DeliveryTag, got.BasicProperties, got.Body, time);

    /// <summary>Reads a delivery; its body is copied, since the client reuses the buffer once the handler returns.</summary>
    public static Held From(ulong deliveryTag, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, TimeProvider time)
    {
        var headers = properties.Headers;
        var returns = headers is not null && headers.TryGetValue(RabbitMqNames.BrokerDeliveryCountHeader, out var count) ? Convert.ToInt32(count, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var prior = headers is not null && headers.TryGetValue(RabbitMqNames.PriorDeliveriesHeader, out var before) ? Convert.ToInt32(before, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var enqueued = headers is not null && headers.TryGetValue(RabbitMqNames.EnqueuedAtHeader, out var at) && at is long ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : time.GetUtcNow();
        Envelope? envelope = null;
        string? error = null;
        try
        {
            envelope = EnvelopeSerializer.Deserialize(body.Span);
        }
        catch (FormatException ex)
        {
            error = ex.Message;
        }

        return new Held(deliveryTag, envelope, error, body.ToArray(), properties, prior + returns + 1, enqueued);
    }

    public static string Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => "",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
