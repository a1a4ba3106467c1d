using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bridge.Security;

/// <summary>
/// The parts of an HMAC-signed request: the one accepted form of <c>Bridge-Signature</c>, the signed string, and which
/// headers it covers. Everything that shapes the stored event is signed: the method, the path and query exactly as sent,
/// the body, and every header Bridge reads into the event (see <see cref="IsCovered"/>).
/// </summary>
internal static class SignedRequests
{
    /// <summary>The signature's scheme label.</summary>
    public const string Version = "v1=";

    /// <summary>Length of base64 (with padding) of an HMAC-SHA256.</summary>
    private const int SignatureChars = 44;

    /// <summary>
    /// Parses <c>Bridge-Signature</c>: exactly <c>v1=</c> followed by the 44-character padded base64 of 32 bytes, nothing
    /// before or after, one value. Anything else (a second token, white space, unpadded or URL-safe base64) is refused.
    /// </summary>
    public static byte[]? ParseSignature(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != Version.Length + SignatureChars || !value.StartsWith(Version, StringComparison.Ordinal))
        {
            return null;
        }

        var encoded = value.AsSpan(Version.Length);
        foreach (var c in encoded)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                return null;
            }
        }

        var bytes = new byte[32];
        return Convert.TryFromBase64Chars(encoded, bytes, out var written) && written == 32
            && Convert.ToBase64String(bytes).AsSpan().SequenceEqual(encoded) // the canonical encoding only
            ? bytes
            : null;
    }

    /// <summary>
    /// True for a header that shapes the stored event and so must be signed: <c>Content-Type</c>, <c>Idempotency-Key</c>,
    /// <c>X-Correlation-Id</c>, <c>traceparent</c>, <c>tracestate</c> and every <c>ce-*</c> header.
    /// </summary>
    public static bool IsCovered(string name) =>
        name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("idempotency-key", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-correlation-id", StringComparison.OrdinalIgnoreCase)
        || name.Equals("traceparent", StringComparison.OrdinalIgnoreCase)
        || name.Equals("tracestate", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The signed string: <c>{timestamp}\n{METHOD}\n{path and query as sent}\n{hex SHA-256 of the body}</c>, then one line
    /// <c>\n{lower-case name}:{value}</c> per covered header present, sorted by name (ordinal). Null when a covered header
    /// is repeated (its order would be ambiguous).
    /// </summary>
    public static string? Canonical(HttpRequest request, long timestamp, string bodyHash)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/'))
        {
            target = $"{request.PathBase}{request.Path}{request.QueryString}";
        }

        var text = new StringBuilder().Append(timestamp).Append('\n').Append(request.Method).Append('\n').Append(target).Append('\n').Append(bodyHash);
        foreach (var (name, values) in request.Headers.Where(h => IsCovered(h.Key)).OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal))
        {
            if (values.Count != 1)
            {
                return null;
            }
            text.Append('\n').Append(name.ToLowerInvariant()).Append(':').Append(values[0]);
        }
        return text.ToString();
    }
}

/// <summary>
/// What has been signed and accepted: key id, timestamp and signature, each remembered until its timestamp leaves the
/// window, so the same signed request cannot be accepted twice while it could still be fresh.
/// </summary>
internal sealed class SeenSignatures
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    /// <summary>Remembers the signature until <paramref name="forgetAt"/>; false when it was accepted before.</summary>
    public bool Add(string keyId, long timestamp, byte[] signature, DateTimeOffset forgetAt, DateTimeOffset now)
    {
        if (_seen.Count > 1000)
        {
            foreach (var (key, until) in _seen)
            {
                if (until <= now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }
        return _seen.TryAdd($"{keyId}\n{timestamp}\n{Convert.ToBase64String(signature)}", forgetAt);
    }
}
