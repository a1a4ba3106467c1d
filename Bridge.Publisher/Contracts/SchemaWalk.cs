using NJsonSchema;

namespace Bridge.Publisher.Contracts;

/// <summary>The sub-schemas of a schema, each with its JSON Pointer.</summary>
internal static class SchemaWalk
{
    /// <summary>Every direct sub-schema of <paramref name="schema"/>.</summary>
    public static IEnumerable<(string Path, JsonSchema Schema)> Children(JsonSchema schema, string path)
    {
        foreach (var (name, property) in schema.Properties)
        {
            yield return ($"{path}/properties/{name}", property);
        }
        foreach (var (name, property) in schema.PatternProperties)
        {
            yield return ($"{path}/patternProperties/{name}", property);
        }
        foreach (var (name, definition) in schema.Definitions)
        {
            yield return ($"{path}/definitions/{name}", definition);
        }
        if (schema.Item is { } item)
        {
            yield return ($"{path}/items", item);
        }
        var index = 0;
        foreach (var tupleItem in schema.Items)
        {
            yield return ($"{path}/items/{index++}", tupleItem);
        }
        if (schema.AdditionalPropertiesSchema is { } additional)
        {
            yield return ($"{path}/additionalProperties", additional);
        }
        if (schema.AdditionalItemsSchema is { } additionalItems)
        {
            yield return ($"{path}/additionalItems", additionalItems);
        }
        if (schema.Not is { } not)
        {
            yield return ($"{path}/not", not);
        }
        foreach (var (keyword, list) in new[] { ("allOf", schema.AllOf), ("anyOf", schema.AnyOf), ("oneOf", schema.OneOf) })
        {
            index = 0;
            foreach (var branch in list)
            {
                yield return ($"{path}/{keyword}/{index++}", branch);
            }
        }
    }
}
