using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Bridge.Webhooks;

/// <summary>A Standard Webhooks signing secret: <c>whsec_</c> + base64 of the key bytes.</summary>
public static class WebhookSecret
{
    /// <summary>The prefix every secret carries.</summary>
    public const string Prefix = "whsec_";

    /// <summary>Parses a secret into its key bytes.</summary>
    public static bool TryParse(string? secret, [NotNullWhen(true)] out byte[]? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (string.IsNullOrEmpty(secret) || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"must start with '{Prefix}' followed by base64 of 24 to 64 random bytes.";
            return false;
        }

        try
        {
            key = Convert.FromBase64String(secret[Prefix.Length..]);
        }
        catch (FormatException)
        {
            error = $"is not valid base64 after '{Prefix}'.";
            key = null;
            return false;
        }

        if (key.Length is < 24 or > 64)
        {
            error = $"must encode 24 to 64 bytes (it encodes {key.Length}).";
            key = null;
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Parses a secret, throwing when it is not well formed.</summary>
    public static byte[] Parse(string secret) =>
        TryParse(secret, out var key, out var error) ? key : throw new FormatException("The webhook secret " + error);

    /// <summary>Generates a new random secret of 32 bytes.</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
