using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bridge.Webhooks.Projection;

/// <summary>
/// An RFC 6901 JSON Pointer, parsed once: <c>/order/lines/0/sku</c>. In a name, <c>~1</c> stands for <c>/</c> and
/// <c>~0</c> for <c>~</c>; an array is indexed by a decimal number without leading zeros.
/// </summary>
public sealed class JsonPointer
{
    /// <summary>The longest pointer accepted.</summary>
    public const int MaxLength = 1000;

    private readonly string[] _tokens;

    private JsonPointer(string text, string[] tokens)
    {
        Text = text;
        _tokens = tokens;
    }

    /// <summary>The pointer as written.</summary>
    public string Text { get; }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>; otherwise <paramref name="error"/> says why it is no pointer (a sentence starting with "must" or "has").</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out JsonPointer? pointer, [NotNullWhen(false)] out string? error)
    {
        pointer = null;
        if (string.IsNullOrEmpty(text) || text[0] != '/')
        {
            error = $"must be a JSON Pointer starting with '/', e.g. '/order/id' (was '{text}').";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"must be at most {MaxLength} characters.";
            return false;
        }

        var tokens = text[1..].Split('/');
        for (var i = 0; i < tokens.Length; i++)
        {
            if (Unescape(tokens[i]) is not { } token)
            {
                error = $"has a '~' not followed by 0 or 1; write '~0' for '~' and '~1' for '/' (was '{text}').";
                return false;
            }
            tokens[i] = token;
        }
        pointer = new JsonPointer(text, tokens);
        error = null;
        return true;
    }

    /// <summary>The value the pointer finds in <paramref name="root"/>; false when there is none.</summary>
    public bool TryResolve(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var token in _tokens)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty(token, out var property):
                    value = property;
                    break;
                case JsonValueKind.Array when Index(token) is { } index && index < value.GetArrayLength():
                    value = value[index];
                    break;
                default:
                    value = default;
                    return false;
            }
        }
        return true;
    }

    private static int? Index(string token) =>
        token.Length > 0 && (token == "0" || token[0] != '0') && token.All(char.IsAsciiDigit)
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    private static string? Unescape(string token)
    {
        if (!token.Contains('~', StringComparison.Ordinal))
        {
            return token;
        }

        var text = new StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] != '~')
            {
                text.Append(token[i]);
                continue;
            }
            if (i + 1 >= token.Length || token[i + 1] is not ('0' or '1'))
            {
                return null;
            }
            text.Append(token[++i] == '0' ? '~' : '/');
        }
        return text.ToString();
    }
}
