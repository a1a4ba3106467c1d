using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Core;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Bridge.Tests.Support;

/// <summary>
/// Checks a delivery with the official libraries only, never with Bridge's own code: the Standard Webhooks signature with
/// StandardWebhooks (<see cref="StandardWebhook.Verify"/>: HMAC, header format, 5-minute timestamp tolerance) and the body
/// as a structured-mode CloudEvent with CloudNative.CloudEvents' <see cref="JsonEventFormatter"/>.
/// </summary>
public static class OfficialDeliveryCheck
{
    /// <summary>The extension attributes Bridge writes, typed as the envelope carries them; other extensions are inferred by the formatter.</summary>
    public static readonly IReadOnlyList<CloudEventAttribute> Extensions =
    [
        CloudEventAttribute.CreateExtension(CloudEventAttributes.CorrelationId, CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension(CloudEventAttributes.TraceParent, CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension(CloudEventAttributes.TraceState, CloudEventAttributeType.String),
        CloudEventAttribute.CreateExtension(CloudEventAttributes.PartitionKey, CloudEventAttributeType.String),
    ];

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>
    /// True when one of the request's signatures verifies with <paramref name="secret"/>. Each signature of the header is
    /// handed to <see cref="StandardWebhook.Verify"/> on its own: StandardWebhooks 1.1.2 stops after the first signature of
    /// a space-separated header, so during a secret rotation (two signatures) the second secret would never verify.
    /// </summary>
    public static bool SignedWith(IReadOnlyDictionary<string, string> headers, byte[] body, string secret)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var webhook = new StandardWebhook(secret);
        var payload = Encoding.UTF8.GetString(body);
        foreach (var signature in headers.GetValueOrDefault("webhook-signature", "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var one = new HeaderDictionary
            {
                ["webhook-id"] = headers.GetValueOrDefault("webhook-id"),
                ["webhook-timestamp"] = headers.GetValueOrDefault("webhook-timestamp"),
                ["webhook-signature"] = signature,
            };
            try
            {
                webhook.Verify(payload, one);
                return true;
            }
            catch (WebhookVerificationException)
            {
                // not this signature; try the next one
            }
        }
        return false;
    }

    /// <summary>Decodes a structured-mode CloudEvent; throws when the formatter rejects it.</summary>
    public static CloudEvent Decode(byte[] body, string? contentType)
    {
        if (contentType is null || !MimeUtilities.IsCloudEventsContentType(contentType))
        {
            throw new ArgumentException($"'{contentType}' is not a structured-mode CloudEvents content type.", nameof(contentType));
        }
        return Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType), Extensions);
    }

    /// <summary>
    /// Why the official libraries reject a delivery (null when they accept it): no trusted secret verifies its signature,
    /// the <c>webhook-id</c> is not the event id, or the body is not a valid structured-mode CloudEvent.
    /// </summary>
    public static string? Reject(IReadOnlyDictionary<string, string> headers, byte[] body, string? contentType, IEnumerable<string> secrets, out CloudEvent? cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(headers);
        cloudEvent = null;
        if (!secrets.Any(secret => SignedWith(headers, body, secret)))
        {
            return $"StandardWebhooks verified no signature of '{headers.GetValueOrDefault("webhook-signature")}' with a trusted secret.";
        }
        try
        {
            cloudEvent = Decode(body, contentType);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return "CloudNative.CloudEvents rejected the body: " + ex.Message;
        }
        return cloudEvent.Id == headers.GetValueOrDefault("webhook-id")
            ? null
            : $"webhook-id '{headers.GetValueOrDefault("webhook-id")}' is not the event id '{cloudEvent.Id}'.";
    }
}
