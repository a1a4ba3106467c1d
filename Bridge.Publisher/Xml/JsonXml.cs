using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace Bridge.Publisher.Xml;

/// <summary>
/// Turns a transform's output, the XML representation of JSON of the W3C <c>json-to-xml</c> vocabulary (XPath 3.1:
/// <c>map</c>, <c>array</c>, <c>string</c>, <c>number</c>, <c>boolean</c>, <c>null</c> in
/// <c>http://www.w3.org/2005/xpath-functions</c>, map members named by a <c>key</c> attribute), into JSON. Bridge writes
/// the JSON itself, so a partner's value is always one string, number or boolean: it cannot add members or close quotes.
/// </summary>
internal static class JsonXml
{
    /// <summary>The vocabulary's namespace.</summary>
    public const string Namespace = "http://www.w3.org/2005/xpath-functions";

    private static readonly XNamespace Fn = Namespace;

    /// <summary>The JSON of <paramref name="xml"/>, or why it is not the vocabulary.</summary>
    public static (byte[]? Json, string? Error) ToJson(string xml, int maxDepth)
    {
        XElement root;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            root = XDocument.Load(reader).Root!;
        }
        catch (XmlException ex)
        {
            return (null, "its output is not XML of the json-to-xml vocabulary: " + ex.Message);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = maxDepth + 1 }))
        {
            if (Write(writer, root, 0, maxDepth) is { } error)
            {
                return (null, error);
            }
        }
        return (buffer.WrittenSpan.ToArray(), null);
    }

    private static string? Write(Utf8JsonWriter writer, XElement element, int depth, int maxDepth)
    {
        if (element.Name.Namespace != Fn)
        {
            return $"<{element.Name.LocalName}> is not in the json-to-xml vocabulary (namespace {Namespace}): use map, array, string, number, boolean or null.";
        }

        if (depth > maxDepth)
        {
            return $"its JSON nests deeper than {maxDepth} levels.";
        }

        if (element.Attributes().FirstOrDefault(a => !a.IsNamespaceDeclaration && a.Name != "key") is { } extra)
        {
            return $"<{element.Name.LocalName}> has attribute '{extra.Name.LocalName}'; only 'key' (on members of a map) is allowed.";
        }

        switch (element.Name.LocalName)
        {
            case "map":
                return WriteMap(writer, element, depth, maxDepth);
            case "array":
                if (Children(element) is { } arrayError)
                {
                    return arrayError;
                }
                writer.WriteStartArray();
                foreach (var item in element.Elements())
                {
                    if (item.Attribute("key") is not null)
                    {
                        return "an item of an array has a 'key'.";
                    }
                    if (Write(writer, item, depth + 1, maxDepth) is { } error)
                    {
                        return error;
                    }
                }
                writer.WriteEndArray();
                return null;
            case "string" when !element.HasElements:
                writer.WriteStringValue(element.Value);
                return null;
            case "number" when !element.HasElements && IsJsonNumber(element.Value.Trim()):
                writer.WriteRawValue(element.Value.Trim(), skipInputValidation: false);
                return null;
            case "number":
                return $"<number> holds '{Shorten(element.Value)}', which is not a JSON number.";
            case "boolean" when !element.HasElements && element.Value.Trim() is "true" or "false" or "1" or "0":
                writer.WriteBooleanValue(element.Value.Trim() is "true" or "1");
                return null;
            case "boolean":
                return $"<boolean> holds '{Shorten(element.Value)}'; use true or false.";
            case "null" when !element.HasElements && element.Value.Length == 0:
                writer.WriteNullValue();
                return null;
            default:
                return $"<{element.Name.LocalName}> is not allowed here: strings, numbers, booleans and nulls hold only text, null nothing.";
        }
    }

    private static string? WriteMap(Utf8JsonWriter writer, XElement element, int depth, int maxDepth)
    {
        if (Children(element) is { } error)
        {
            return error;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        writer.WriteStartObject();
        foreach (var member in element.Elements())
        {
            if (member.Attribute("key")?.Value is not { } key)
            {
                return $"a member <{member.Name.LocalName}> of a map has no 'key'.";
            }
            if (!keys.Add(key))
            {
                return $"the map has the key '{Shorten(key)}' twice.";
            }
            writer.WritePropertyName(key);
            if (Write(writer, member, depth + 1, maxDepth) is { } memberError)
            {
                return memberError;
            }
        }
        writer.WriteEndObject();
        return null;
    }

    private static string? Children(XElement container) =>
        container.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value))
            ? $"<{container.Name.LocalName}> holds text; a map or array holds only elements."
            : null;

    private static bool IsJsonNumber(string text)
    {
        if (text.Length is 0 or > 64)
        {
            return false;
        }

        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text));
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.Number && !reader.Read() && double.IsFinite(double.Parse(text, CultureInfo.InvariantCulture));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
