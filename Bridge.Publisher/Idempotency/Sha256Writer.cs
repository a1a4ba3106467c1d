using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Publisher.Idempotency;

/// <summary>SHA-256 over a sequence of length-prefixed parts, so that no two different sequences hash the same input.</summary>
internal sealed class Sha256Writer : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public Sha256Writer Add(string value) => Add(Encoding.UTF8.GetBytes(value));

    public Sha256Writer Add(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        _hash.AppendData(bytes);
        return this;
    }

    public Sha256Writer Add(ReadOnlySpan<byte> value)
    {
        Add(value.Length);
        _hash.AppendData(value);
        return this;
    }

    /// <summary>The 32-byte digest.</summary>
    public byte[] Finish() => _hash.GetHashAndReset();

    public void Dispose() => _hash.Dispose();
}
