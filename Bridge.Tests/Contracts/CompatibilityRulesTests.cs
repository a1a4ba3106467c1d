using Bridge.Publisher.Contracts;

namespace Bridge.Tests.Contracts;

/// <summary>Each compatibility rule, with a change it allows and one it refuses.</summary>
public sealed class CompatibilityRulesTests
{
    public static TheoryData<string, string, string, string?> Cases => new()
    {
        // rule, previous schema, next schema, expected breaking rule (null: compatible)
        { "optional property on a closed object", """{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}}""", """{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"},"b":{"type":"integer"}}}""", null },
        { "new required property", """{"type":"object","properties":{"a":{"type":"string"}}}""", """{"type":"object","required":["a"],"properties":{"a":{"type":"string"}}}""", "required-added" },
        { "required dropped", """{"type":"object","required":["a"],"properties":{"a":{"type":"string"}}}""", """{"type":"object","properties":{"a":{"type":"string"}}}""", null },
        { "property removed, open object", """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}""", """{"type":"object","properties":{"a":{"type":"string"}}}""", null },
        { "property removed, closed object", """{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"},"b":{"type":"string"}}}""", """{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}}""", "property-removed" },
        { "property added with constraints to an open object", """{"type":"object","properties":{"a":{"type":"string"}}}""", """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}""", "property-added-constrained" },
        { "integer widened to number", """{"type":"integer"}""", """{"type":"number"}""", null },
        { "number narrowed to integer", """{"type":"number"}""", """{"type":"integer"}""", "type-narrowed" },
        { "null added", """{"type":"string"}""", """{"type":["string","null"]}""", null },
        { "null removed", """{"type":["string","null"]}""", """{"type":"string"}""", "type-narrowed" },
        { "type changed", """{"type":"string"}""", """{"type":"boolean"}""", "type-narrowed" },
        { "enum value added", """{"enum":["a","b"]}""", """{"enum":["a","b","c"]}""", null },
        { "enum value removed", """{"enum":["a","b"]}""", """{"enum":["a"]}""", "enum-value-removed" },
        { "enum added", """{"type":"string"}""", """{"type":"string","enum":["a"]}""", "enum-added" },
        { "const unchanged", """{"const":"x"}""", """{"const":"x","description":"now documented"}""", null },
        { "const changed", """{"const":"x"}""", """{"const":"y"}""", "const-changed" },
        { "minimum loosened", """{"type":"number","minimum":10}""", """{"type":"number","minimum":0}""", null },
        { "minimum tightened", """{"type":"number","minimum":0}""", """{"type":"number","minimum":10}""", "bound-tightened" },
        { "maximum removed", """{"type":"number","maximum":10}""", """{"type":"number"}""", null },
        { "maximum added", """{"type":"number"}""", """{"type":"number","maximum":10}""", "bound-tightened" },
        { "maxLength loosened", """{"type":"string","maxLength":10}""", """{"type":"string","maxLength":20}""", null },
        { "maxLength tightened", """{"type":"string","maxLength":20}""", """{"type":"string","maxLength":10}""", "bound-tightened" },
        { "minLength loosened", """{"type":"string","minLength":5}""", """{"type":"string","minLength":1}""", null },
        { "minLength tightened", """{"type":"string","minLength":1}""", """{"type":"string","minLength":5}""", "bound-tightened" },
        { "maxItems loosened", """{"type":"array","maxItems":2}""", """{"type":"array","maxItems":5}""", null },
        { "minItems tightened", """{"type":"array","minItems":0}""", """{"type":"array","minItems":1}""", "bound-tightened" },
        { "pattern removed", """{"type":"string","pattern":"^[0-9]+$"}""", """{"type":"string"}""", null },
        { "pattern changed", """{"type":"string","pattern":"^[0-9]+$"}""", """{"type":"string","pattern":"^[0-9]{3}$"}""", "pattern-changed" },
        { "format removed", """{"type":"string","format":"date-time"}""", """{"type":"string"}""", null },
        { "format added", """{"type":"string"}""", """{"type":"string","format":"email"}""", "format-changed" },
        { "additionalProperties opened", """{"type":"object","additionalProperties":false}""", """{"type":"object","additionalProperties":true}""", null },
        { "additionalProperties closed", """{"type":"object"}""", """{"type":"object","additionalProperties":false}""", "additional-properties-closed" },
        { "additionalProperties false to a schema", """{"type":"object","additionalProperties":false}""", """{"type":"object","additionalProperties":{"type":"string"}}""", null },
        { "additionalProperties any to a schema", """{"type":"object"}""", """{"type":"object","additionalProperties":{"type":"string"}}""", "additional-properties-constrained" },
        { "nested item widened", """{"type":"array","items":{"type":"object","properties":{"q":{"type":"integer"}}}}""", """{"type":"array","items":{"type":"object","properties":{"q":{"type":"number"}}}}""", null },
        { "nested item narrowed", """{"type":"array","items":{"type":"object","properties":{"q":{"type":"number"}}}}""", """{"type":"array","items":{"type":"object","properties":{"q":{"type":"integer"}}}}""", "type-narrowed" },
        { "definition through $ref loosened", """{"definitions":{"m":{"type":"string","maxLength":3}},"type":"object","properties":{"c":{"$ref":"#/definitions/m"}}}""", """{"definitions":{"m":{"type":"string","maxLength":9}},"type":"object","properties":{"c":{"$ref":"#/definitions/m"}}}""", null },
        { "definition through $ref tightened", """{"definitions":{"m":{"type":"string","maxLength":9}},"type":"object","properties":{"c":{"$ref":"#/definitions/m"}}}""", """{"definitions":{"m":{"type":"string","maxLength":3}},"type":"object","properties":{"c":{"$ref":"#/definitions/m"}}}""", "bound-tightened" },
        { "anyOf branch added", """{"anyOf":[{"type":"string"}]}""", """{"anyOf":[{"type":"string"},{"type":"integer"}]}""", null },
        { "oneOf changed", """{"oneOf":[{"type":"string"},{"type":"integer"}]}""", """{"oneOf":[{"type":"string"}]}""", "composition-changed" },
        { "description changed only", """{"type":"string","description":"old"}""", """{"type":"string","description":"new","title":"T"}""", null },
        { "unknown keyword added", """{"type":"array"}""", """{"type":"array","contains":{"type":"string"}}""", "unknown-keyword-changed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_new_version_is_breaking_exactly_when_it_refuses_an_event_the_previous_accepted(string rule, string previous, string next, string? expected)
    {
        var changes = CompatibilityChecker.Check(await LoadAsync(previous), await LoadAsync(next));

        if (expected is null)
        {
            Assert.True(changes.Count == 0, $"{rule}: expected compatible, got {string.Join("; ", changes)}");
        }
        else
        {
            Assert.True(changes.Any(c => c.Rule == expected), $"{rule}: expected {expected}, got [{string.Join("; ", changes)}]");
            Assert.All(changes, c => Assert.StartsWith("#", c.Path, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Every_breaking_change_is_listed_with_its_path()
    {
        var previous = await LoadAsync("""{"type":"object","properties":{"id":{"type":"string","maxLength":64},"amount":{"type":"number"},"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}}}""");
        var next = await LoadAsync("""{"type":"object","required":["id"],"properties":{"id":{"type":"string","maxLength":32},"amount":{"type":"integer"},"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string","pattern":"^[A-Z]+$"}}}}}}""");

        var changes = CompatibilityChecker.Check(previous, next);

        Assert.Contains(changes, c => c.Path == "#/required" && c.Rule == "required-added");
        Assert.Contains(changes, c => c.Path == "#/properties/id/maxLength" && c.Rule == "bound-tightened");
        Assert.Contains(changes, c => c.Path == "#/properties/amount/type" && c.Rule == "type-narrowed");
        Assert.Contains(changes, c => c.Path == "#/properties/lines/items/properties/sku/pattern" && c.Rule == "pattern-changed");
        Assert.Equal(4, changes.Count);
    }

    [Fact]
    public async Task A_recursive_schema_is_compared_without_looping()
    {
        const string Tree = """{"definitions":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/definitions/node"}}}}},"type":"object","properties":{"root":{"$ref":"#/definitions/node"}}}""";
        Assert.Empty(CompatibilityChecker.Check(await LoadAsync(Tree), await LoadAsync(Tree)));
    }

    private static async Task<NJsonSchema.JsonSchema> LoadAsync(string json)
    {
        var (schema, error) = await ContractSchemas.LoadAsync(json, CancellationToken.None);
        Assert.True(error is null, error);
        return schema!;
    }
}
