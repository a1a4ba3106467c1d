using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Sources;

/// <summary>
/// Event ids derived from what a message holds: the first 128 bits of a SHA-256, marked as a UUID (version 8, RFC 9562
/// variant) and written as 32 lower-case hex digits. The same message written twice gets the same id, so delivery dedupe
/// recognises the second.
/// </summary>
internal static class ContentHashId
{
    private const string ValueScope = "bridge-source-id-v1";

    /// <summary>The id of a message of <paramref name="sourceName"/> with <paramref name="contentType"/> and <paramref name="body"/>: a hash of the three.</summary>
    public static string Of(string sourceName, string? contentType, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendText(hash, sourceName);
        AppendText(hash, contentType ?? "");
        hash.AppendData(body);
        return Finish(hash);
    }

    /// <summary>
    /// The id standing in for <paramref name="value"/>, an id of <paramref name="sourceName"/>'s message that cannot be an
    /// event id: a hash of <c>bridge-source-id-v1</c>, the source name and the value.
    /// </summary>
    public static string OfValue(string sourceName, string value)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendText(hash, ValueScope);
        AppendText(hash, sourceName);
        AppendText(hash, value);
        return Finish(hash);
    }

    private static string Finish(IncrementalHash hash)
    {
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        digest[6] = (byte)((digest[6] & 0x0F) | 0x80); // version 8
        digest[8] = (byte)((digest[8] & 0x3F) | 0x80); // RFC 9562 variant
        return Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary>Text with its length before it, so that no two different sequences of texts hash alike.</summary>
    private static void AppendText(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
