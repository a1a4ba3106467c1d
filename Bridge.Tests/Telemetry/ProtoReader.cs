using System.Buffers.Binary;

namespace Bridge.Tests.Telemetry;

/// <summary>One field of a protobuf message: a varint or fixed value in <see cref="Scalar"/>, else the bytes of a length-delimited field.</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Scalar, ReadOnlyMemory<byte> Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    public string Hex => Convert.ToHexStringLower(Bytes.Span);

    public double Double => BitConverter.UInt64BitsToDouble(Scalar);
}

/// <summary>Reads the protobuf wire format (the encoding of OTLP/HTTP), field by field, without a schema.</summary>
internal static class ProtoReader
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    public static List<ProtoField> Read(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtoField>();
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message.Span, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case Varint:
                    fields.Add(new ProtoField(number, wireType, ReadVarint(message.Span, ref position), default));
                    break;
                case Fixed64:
                    fields.Add(new ProtoField(number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(message.Span[position..]), default));
                    position += 8;
                    break;
                case LengthDelimited:
                    var length = (int)ReadVarint(message.Span, ref position);
                    fields.Add(new ProtoField(number, wireType, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case Fixed32:
                    fields.Add(new ProtoField(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(message.Span[position..]), default));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} (field {number}).");
            }
        }
        return fields;
    }

    /// <summary>The values of a repeated 64-bit field, packed (one length-delimited field) or not.</summary>
    public static IEnumerable<ulong> Repeated64(IEnumerable<ProtoField> fields, int number)
    {
        foreach (var field in fields.Where(f => f.Number == number))
        {
            if (field.WireType == Fixed64)
            {
                yield return field.Scalar;
                continue;
            }
            for (var i = 0; i < field.Bytes.Length; i += 8)
            {
                yield return BinaryPrimitives.ReadUInt64LittleEndian(field.Bytes.Span[i..]);
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException("Malformed varint.");
    }
}
