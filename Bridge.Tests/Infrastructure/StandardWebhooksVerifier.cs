using System.Security.Cryptography;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// An independent Standard Webhooks verifier, written from the specification (not from Bridge's signer):
/// key = base64 after <c>whsec_</c>; signed content = <c>{id}.{timestamp}.{body}</c>; header = space-separated <c>v1,{base64}</c>.
/// </summary>
public static class StandardWebhooksVerifier
{
    public static bool Verify(string secret, string id, string timestamp, string signatureHeader, byte[] body, long nowSeconds, long toleranceSeconds = 300)
    {
        if (!long.TryParse(timestamp, out var ts) || Math.Abs(nowSeconds - ts) > toleranceSeconds)
        {
            return false;
        }

        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, content));
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',', StringComparison.Ordinal);
            if (comma > 0 && part[..comma] == "v1" &&
                CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(part[(comma + 1)..]), Encoding.ASCII.GetBytes(expected)))
            {
                return true;
            }
        }
        return false;
    }
}
