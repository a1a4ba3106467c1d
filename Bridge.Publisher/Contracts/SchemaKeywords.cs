using System.Text.Json;

namespace Bridge.Publisher.Contracts;

/// <summary>
/// Checks the value of every JSON Schema keyword Bridge relies on before the schema is compiled, since the compiler
/// quietly reads a misspelt type as "any": each error names its JSON Pointer.
/// </summary>
internal static class SchemaKeywords
{
    private static readonly HashSet<string> TypeNames = new(StringComparer.Ordinal) { "string", "number", "integer", "boolean", "object", "array", "null" };
    private static readonly string[] SchemaMaps = ["properties", "definitions", "$defs", "patternProperties"];
    private static readonly string[] SchemaLists = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] SingleSchemas = ["not", "additionalProperties", "additionalItems", "contains", "propertyNames", "if", "then", "else"];
    private static readonly string[] Counts = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];
    private static readonly string[] Numbers = ["minimum", "maximum"];

    /// <summary>Every problem found in <paramref name="schema"/>; empty when its keywords are well-formed.</summary>
    public static IReadOnlyList<string> Check(JsonElement schema)
    {
        var errors = new List<string>();
        Visit(schema, "#", errors);
        return errors;
    }

    private static void Visit(JsonElement schema, string path, List<string> errors)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: a schema is a JSON object (or true / false).");
            return;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            CheckKeyword(keyword.Name, keyword.Value, $"{path}/{keyword.Name}", errors);
        }
    }

    private static void CheckKeyword(string name, JsonElement value, string path, List<string> errors)
    {
        switch (name)
        {
            case "type":
                var names = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new[] { value };
                if (names.Length == 0 || names.Any(n => n.ValueKind != JsonValueKind.String || !TypeNames.Contains(n.GetString()!)))
                {
                    errors.Add($"{path}: one of {string.Join(", ", TypeNames)}, or a non-empty list of them.");
                }
                break;
            case "required":
                Require(value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String), path, "a list of property names", errors);
                break;
            case "enum":
                Require(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0, path, "a non-empty list of values", errors);
                break;
            case "pattern" or "format":
                Require(value.ValueKind == JsonValueKind.String, path, "a string", errors);
                break;
            case "$ref":
                Require(value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith('#'), path, "a reference within the schema ('#/…'); other documents are not read", errors);
                break;
            case "multipleOf":
                Require(value.ValueKind == JsonValueKind.Number && value.GetDecimal() > 0, path, "a number above 0", errors);
                break;
            case "exclusiveMinimum" or "exclusiveMaximum":
                Require(value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False, path, "a number (or, in draft 4, a boolean)", errors);
                break;
            case "items":
                if (value.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Visit(item, $"{path}/{index++}", errors);
                    }
                }
                else
                {
                    Visit(value, path, errors);
                }
                break;
            case var _ when Counts.Contains(name):
                Require(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0, path, "a non-negative integer", errors);
                break;
            case var _ when Numbers.Contains(name):
                Require(value.ValueKind == JsonValueKind.Number, path, "a number", errors);
                break;
            case var _ when SingleSchemas.Contains(name):
                Visit(value, path, errors);
                break;
            case var _ when SchemaLists.Contains(name):
                if (Require(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0, path, "a non-empty list of schemas", errors))
                {
                    var index = 0;
                    foreach (var branch in value.EnumerateArray())
                    {
                        Visit(branch, $"{path}/{index++}", errors);
                    }
                }
                break;
            case var _ when SchemaMaps.Contains(name):
                if (Require(value.ValueKind == JsonValueKind.Object, path, "an object of schemas", errors))
                {
                    foreach (var member in value.EnumerateObject())
                    {
                        Visit(member.Value, $"{path}/{member.Name}", errors);
                    }
                }
                break;
        }
    }

    private static bool Require(bool condition, string path, string what, List<string> errors)
    {
        if (!condition)
        {
            errors.Add($"{path}: must be {what}.");
        }
        return condition;
    }
}
