using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Webhooks;

/// <summary>
/// Signs webhook requests per the Standard Webhooks specification: HMAC-SHA256 over
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the secret's key, sent as <c>webhook-signature: v1,{base64}</c>.
/// </summary>
public sealed class WebhookSigner
{
    /// <summary>Header carrying the message id (the idempotency key).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>Header carrying the signing time in Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>Header carrying the space-separated signatures.</summary>
    public const string SignatureHeader = "webhook-signature";

    private readonly byte[] _key;

    /// <summary>Creates a signer for a <c>whsec_</c> secret.</summary>
    public WebhookSigner(string secret) => _key = WebhookSecret.Parse(secret);

    /// <summary>Computes the <c>webhook-signature</c> header value.</summary>
    public string Sign(string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var prefix = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{messageId}.{timestamp}."));
        var length = prefix.Length + body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            prefix.CopyTo(rented, 0);
            body.CopyTo(rented.AsSpan(prefix.Length));
            Span<byte> mac = stackalloc byte[32];
            HMACSHA256.HashData(_key, rented.AsSpan(0, length), mac);
            return "v1," + Convert.ToBase64String(mac);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
