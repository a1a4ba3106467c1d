using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Core;
using CloudNative.CloudEvents.Http;
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
    /// Decodes a binary-mode CloudEvent (the CloudEvents HTTP binding: <c>data</c> as the body, attributes as <c>ce-</c>
    /// headers, percent-decoded by the SDK); throws when the SDK rejects it.
    /// </summary>
    public static CloudEvent DecodeBinary(IReadOnlyDictionary<string, string> headers, byte[] body, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/") { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request.ToCloudEventAsync(Formatter, Extensions).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Why the official libraries reject a delivery (null when they accept it): no trusted secret verifies its signature,
    /// the <c>webhook-id</c> is not the event id, or the body is neither a valid structured-mode CloudEvent, nor a valid
    /// binary-mode one (<c>ce-specversion</c> present), nor a delivery in the data format (<c>X-Event-Id</c> present,
    /// <paramref name="cloudEvent"/> then null).
    /// </summary>
    public static string? Reject(IReadOnlyDictionary<string, string> headers, byte[] body, string? contentType, IEnumerable<string> secrets, out CloudEvent? cloudEvent) =>
        Reject(headers, body, contentType, secrets, out cloudEvent, out _);

    /// <summary>
    /// As above, and a batch (<c>application/cloudevents-batch+json</c>) too: its body decoded with
    /// <see cref="JsonEventFormatter.DecodeBatchModeMessage(ReadOnlyMemory{byte}, ContentType?, IEnumerable{CloudEventAttribute}?)"/>
    /// into <paramref name="batch"/>, its one signature verified, its <c>webhook-id</c> a batch id (<c>batch_</c>…).
    /// </summary>
    public static string? Reject(IReadOnlyDictionary<string, string> headers, byte[] body, string? contentType, IEnumerable<string> secrets, out CloudEvent? cloudEvent, out IReadOnlyList<CloudEvent>? batch)
    {
        ArgumentNullException.ThrowIfNull(headers);
        cloudEvent = null;
        batch = null;
        if (!secrets.Any(secret => SignedWith(headers, body, secret)))
        {
            return $"StandardWebhooks verified no signature of '{headers.GetValueOrDefault("webhook-signature")}' with a trusted secret.";
        }

        var webhookId = headers.GetValueOrDefault("webhook-id");
        if (contentType is not null && MimeUtilities.IsCloudEventsBatchContentType(contentType))
        {
            try
            {
                batch = Formatter.DecodeBatchModeMessage(body, new ContentType(contentType), Extensions);
            }
            catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
            {
                return "CloudNative.CloudEvents rejected the batch: " + ex.Message;
            }
            return webhookId is { Length: > 6 } && webhookId.StartsWith("batch_", StringComparison.Ordinal) ? null : $"webhook-id '{webhookId}' is not a batch id.";
        }
        if (!headers.ContainsKey("ce-specversion") && headers.GetValueOrDefault("x-event-id") is { } eventId
            && (contentType is null || !MimeUtilities.IsCloudEventsContentType(contentType)))
        {
            return eventId == webhookId ? null : $"webhook-id '{webhookId}' is not X-Event-Id '{eventId}'.";
        }
        try
        {
            cloudEvent = headers.ContainsKey("ce-specversion") ? DecodeBinary(headers, body, contentType) : Decode(body, contentType);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return "CloudNative.CloudEvents rejected the body: " + ex.Message;
        }
        return cloudEvent.Id == webhookId
            ? null
            : $"webhook-id '{webhookId}' is not the event id '{cloudEvent.Id}'.";
    }
}
