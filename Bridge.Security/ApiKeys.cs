using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Bridge.Security;

/// <summary>
/// API keys look like <c>brk_{keyId}_{secret}</c>: the key id finds the stored key, the secret (256 random bits,
/// base64url) is compared in constant time with its stored SHA-256. A fast hash is right here: the secret is random,
/// so there is nothing to guess from its hash, unlike a password.
/// </summary>
internal static partial class ApiKeys
{
    public const string Prefix = "brk_";

    /// <summary>A new key id: 16 lower-case hex digits.</summary>
    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A new secret: 32 random bytes, base64url.</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key a caller presents.</summary>
    public static string Format(string keyId, string secret) => $"{Prefix}{keyId}_{secret}";

    /// <summary>Splits a presented key into key id and secret; false when it is not shaped like a Bridge key.</summary>
    public static bool TryParse(string? key, out string keyId, out string secret)
    {
        var match = key is null || key.Length > 200 ? Match.Empty : Shape().Match(key);
        keyId = match.Success ? match.Groups["id"].Value : "";
        secret = match.Success ? match.Groups["secret"].Value : "";
        return match.Success;
    }

    /// <summary>SHA-256 of a secret, hex.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="hash"/>, in constant time.</summary>
    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^brk_(?<id>[a-z0-9]{4,32})_(?<secret>[A-Za-z0-9_-]{32,128})$")]
    private static partial Regex Shape();
}
