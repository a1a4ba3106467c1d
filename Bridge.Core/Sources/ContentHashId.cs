using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Sources;

/// <summary>
/// An event id derived from what a message holds: the first 128 bits of a SHA-256 over the source name, the content type
/// and the body, marked as a UUID (version 8, RFC 9562 variant) and written as 32 lower-case hex digits. The same message
/// written twice gets the same id, so delivery dedupe recognises the second.
/// </summary>
internal static class ContentHashId
{
    /// <summary>The id of a message of <paramref name="sourceName"/> with <paramref name="contentType"/> and <paramref name="body"/>.</summary>
    public static string Of(string sourceName, string? contentType, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendText(hash, sourceName);
        AppendText(hash, contentType ?? "");
        hash.AppendData(body);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        digest[6] = (byte)((digest[6] & 0x0F) | 0x80);
        digest[8] = (byte)((digest[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary>Text with its length before it, so that no two different (name, content type) pairs hash alike.</summary>
    private static void AppendText(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
