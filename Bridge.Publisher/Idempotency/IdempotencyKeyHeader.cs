using Bridge.Store.Idempotency;
using Microsoft.Extensions.Primitives;

namespace Bridge.Publisher.Idempotency;

/// <summary>
/// Reads the <c>Idempotency-Key</c> request header. As the IETF httpapi draft has it, the value is a string, canonically
/// quoted (<c>"8e03978e-40d5-43e8-bc93-6894a57f9324"</c>, with <c>\"</c> and <c>\\</c> as the only escapes); a plain
/// unquoted value without spaces, commas or quotes is accepted too. The key itself is 1–255 printable ASCII characters,
/// and a request carries at most one such header.
/// </summary>
internal static class IdempotencyKeyHeader
{
    /// <summary>The header name.</summary>
    public const string Name = "Idempotency-Key";

    /// <summary>The outcome: no header, a key, or why the header is refused.</summary>
    public readonly record struct Result(string? Key, string? Error)
    {
        /// <summary>The request carries no key.</summary>
        public bool IsAbsent => Key is null && Error is null;
    }

    /// <summary>Reads the header values of a request.</summary>
    public static Result Read(StringValues values)
    {
        if (values.Count == 0)
        {
            return default;
        }

        if (values.Count > 1)
        {
            return Fail($"Send exactly one {Name} header (got {values.Count}).");
        }

        var raw = values[0] ?? "";
        var key = raw.StartsWith('"') ? Unquote(raw, out var error) : Plain(raw, out error);
        if (error is not null)
        {
            return Fail(error);
        }

        if (key!.Length is 0 or > IdempotencyRecord.KeyMaxLength)
        {
            return Fail($"An {Name} is 1 to {IdempotencyRecord.KeyMaxLength} characters (got {key.Length}).");
        }

        return new Result(key, null);
    }

    private static Result Fail(string error) => new(null, error);

    private static string? Plain(string raw, out string? error)
    {
        foreach (var c in raw)
        {
            if (Describe(c) is { } what)
            {
                error = $"The {Name} contains {what}; keys are printable ASCII.";
                return null;
            }

            if (c is ' ' or ',' or '"')
            {
                error = $"An unquoted {Name} cannot contain spaces, commas or double quotes; send the key as a quoted string, e.g. \"order-12345\".";
                return null;
            }
        }

        error = null;
        return raw;
    }

    private static string? Unquote(string raw, out string? error)
    {
        var key = new System.Text.StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length; i++)
        {
            var c = raw[i];
            if (Describe(c) is { } what)
            {
                error = $"The {Name} contains {what}; keys are printable ASCII.";
                return null;
            }

            if (c == '"')
            {
                error = i == raw.Length - 1 ? null : $"Nothing may follow the closing quote of the {Name} (parameters are not accepted).";
                return error is null ? key.ToString() : null;
            }

            if (c == '\\')
            {
                if (++i >= raw.Length || raw[i] is not ('"' or '\\'))
                {
                    error = $"In a quoted {Name}, a backslash escapes only \" or \\.";
                    return null;
                }

                c = raw[i];
            }

            key.Append(c);
        }

        error = $"The quoted {Name} has no closing quote.";
        return null;
    }

    private static string? Describe(char c) => c switch
    {
        < ' ' or (char)0x7F => $"a control character (U+{(int)c:X4})",
        > '~' => $"a non-ASCII character (U+{(int)c:X4})",
        _ => null,
    };
}
