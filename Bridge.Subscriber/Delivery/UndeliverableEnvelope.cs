using System.Text.Json;
using Bridge.Messaging;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// Finds what makes an envelope impossible to deliver whatever the endpoint does: an id or correlation id that cannot be
/// an HTTP header value (<c>webhook-id</c>, <c>X-Correlation-Id</c>), or an envelope that cannot be serialised. Such an
/// envelope is dead-lettered at once as <see cref="Reason"/>; it never reaches the endpoint's circuit breaker or pause.
/// </summary>
internal static class UndeliverableEnvelope
{
    /// <summary>The dead-letter reason.</summary>
    public const string Reason = "EnvelopeUndeliverable";

    /// <summary>The body to send, or why there is none.</summary>
    public static (ReadOnlyMemory<byte> Body, string? Why) Prepare(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var envelope = message.Envelope;
        if (!IsHeaderValue(envelope.Id))
        {
            return (default, "Its id cannot be sent as the webhook-id header (1 to 255 visible ASCII characters).");
        }

        if (!IsHeaderValue(envelope.CorrelationId))
        {
            return (default, "Its correlation id cannot be sent as the X-Correlation-Id header (1 to 255 visible ASCII characters).");
        }

        try
        {
            return (message.SerializedEnvelope(), null);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException)
        {
            return (default, "It cannot be serialised as a CloudEvent: " + ex.Message);
        }
    }

    private static bool IsHeaderValue(string? value) => value is { Length: > 0 and <= 255 } && value.All(c => c is > ' ' and < (char)127);
}
