using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.References;

namespace Bridge.Publisher.Contracts;

/// <summary>Reads JSON Schemas for contracts: local references only, every pattern a valid regular expression.</summary>
internal static class ContractSchemas
{
    /// <summary>Compiles <paramref name="json"/>; returns the schema, or null and why it is not a usable JSON Schema.</summary>
    public static async Task<(JsonSchema? Schema, string? Error)> LoadAsync(string json, CancellationToken cancellationToken)
    {
        JsonSchema schema;
        try
        {
            schema = await JsonSchema.FromJsonAsync(json, null, s => new LocalReferenceResolver(s), cancellationToken);
        }
#pragma warning disable CA1031 // The parser throws many kinds for malformed schemas; each one means "not a usable schema".
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return (null, "The schema cannot be read: " + ex.Message);
        }

        return (schema, FindBadPattern(schema, "#", new HashSet<JsonSchema>(ReferenceEqualityComparer.Instance)));
    }

    /// <summary>The schema in canonical form: members sorted by name, no white space.</summary>
    public static string Canonical(JsonElement schema)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, schema);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical form.</summary>
    public static string Fingerprint(string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string? FindBadPattern(JsonSchema schema, string path, HashSet<JsonSchema> seen)
    {
        schema = schema.ActualSchema;
        if (!seen.Add(schema))
        {
            return null;
        }

        if (schema.Pattern is { } pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                return $"{path}/pattern is not a valid regular expression: {ex.Message}";
            }

            if (PatternSafety.Catastrophic(pattern) is { } risk)
            {
                return $"{path}/pattern is refused: {risk}.";
            }
        }

        foreach (var key in schema.PatternProperties.Keys)
        {
            if (PatternSafety.Catastrophic(key) is { } keyRisk)
            {
                return $"{path}/patternProperties/{key} is refused: {keyRisk}.";
            }
        }

        return SchemaWalk.Children(schema, path).Select(c => FindBadPattern(c.Schema, c.Path, seen)).FirstOrDefault(e => e is not null);
    }

    /// <summary>Resolves <c>#/…</c> references only: a schema must not make Bridge read files or call URLs.</summary>
    private sealed class LocalReferenceResolver(JsonSchema root)
        : JsonReferenceResolver(new JsonSchemaAppender(root, new DefaultTypeNameGenerator()))
    {
        public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException($"Reference '{filePath}' is not local; only references within the schema ('#/…') are allowed.");

        public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException($"Reference '{url}' is not local; only references within the schema ('#/…') are allowed.");
    }
}
