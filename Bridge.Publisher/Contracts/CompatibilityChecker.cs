using System.Runtime.CompilerServices;
using Newtonsoft.Json;
using NJsonSchema;

namespace Bridge.Publisher.Contracts;

/// <summary>
/// Decides whether a new contract version is backward compatible with the previous one: every event valid under the
/// previous schema must stay valid under the new one, so the new schema may only widen. The check is structural,
/// recursive through properties, items, additionalProperties and references; whatever changed that it does not
/// understand counts as breaking. The rules are listed in docs/contracts.md.
/// </summary>
internal sealed partial class CompatibilityChecker
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "id", "$comment", "title", "description", "examples", "example", "default", "deprecated", "readOnly", "writeOnly",
    };

    private readonly List<BreakingChange> _changes = [];
    private readonly HashSet<(JsonSchema, JsonSchema)> _seen = new(PairComparer.Instance);

    /// <summary>Every breaking change from <paramref name="previous"/> to <paramref name="next"/>; empty when compatible.</summary>
    public static IReadOnlyList<BreakingChange> Check(JsonSchema previous, JsonSchema next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        var checker = new CompatibilityChecker();
        checker.Compare(previous, next, "#");
        return checker._changes;
    }

    private static bool Equivalent(JsonSchema a, JsonSchema b) => Check(a, b).Count == 0 && Check(b, a).Count == 0;

    private void Break(string path, string rule, string message) => _changes.Add(new BreakingChange(path, rule, message));

    private void Compare(JsonSchema previous, JsonSchema next, string path)
    {
        var o = previous.ActualSchema;
        var n = next.ActualSchema;
        if (ReferenceEquals(o, n) || !_seen.Add((o, n)))
        {
            return;
        }

        CompareTypes(o, n, path);
        CompareEnumerations(o, n, path);
        CompareNumbers(o, n, path);
        CompareStrings(o, n, path);
        CompareArrays(o, n, path);
        CompareObjects(o, n, path);
        CompareComposition(o, n, path);
        CompareUnknownKeywords(o, n, path);
    }

    /// <summary>Adds one change when <paramref name="next"/> constrains values the previous schema let through unchecked.</summary>
    private void CompareWithAnything(JsonSchema next, string path, string rule, string message)
    {
        var inner = Check(new JsonSchema(), next);
        if (inner.Count > 0)
        {
            Break(path, rule, $"{message} ({string.Join("; ", inner.Select(c => c.Message))}).");
        }
    }

    private static JsonObjectType Types(JsonSchema schema) =>
        schema.Type == JsonObjectType.None ? JsonObjectType.None : schema.Type | (schema.IsNullableRaw == true ? JsonObjectType.Null : JsonObjectType.None);

    private void CompareTypes(JsonSchema o, JsonSchema n, string path)
    {
        var before = Types(o);
        var after = Types(n);
        if (after == JsonObjectType.None)
        {
            return;
        }

        if (before == JsonObjectType.None)
        {
            Break(path + "/type", "type-narrowed", $"type: any type was allowed, now only {after}.");
            return;
        }

        foreach (var type in Enum.GetValues<JsonObjectType>().Where(t => t != JsonObjectType.None && before.HasFlag(t)))
        {
            if (!after.HasFlag(type) && !(type == JsonObjectType.Integer && after.HasFlag(JsonObjectType.Number)))
            {
                Break(path + "/type", "type-narrowed", $"type: {type} is no longer allowed (was {before}, now {after}).");
            }
        }
    }

    private void CompareEnumerations(JsonSchema o, JsonSchema n, string path)
    {
        if (n.Enumeration.Count == 0)
        {
            return;
        }

        if (o.Enumeration.Count == 0)
        {
            Break(path + "/enum", "enum-added", "enum: added, so values outside it are refused.");
            return;
        }

        var after = n.Enumeration.Select(Json).ToHashSet(StringComparer.Ordinal);
        foreach (var value in o.Enumeration.Select(Json).Where(v => !after.Contains(v)))
        {
            Break(path + "/enum", "enum-value-removed", $"enum: value {value} was removed.");
        }
    }

    private void CompareComposition(JsonSchema o, JsonSchema n, string path)
    {
        CompareEquivalentLists(o.AllOf, n.AllOf, path + "/allOf");
        CompareEquivalentLists(o.OneOf, n.OneOf, path + "/oneOf");
        if (n.AnyOf.Count > 0)
        {
            if (o.AnyOf.Count == 0)
            {
                Break(path + "/anyOf", "composition-added", "anyOf: added.");
            }
            else
            {
                var index = 0;
                foreach (var branch in o.AnyOf)
                {
                    if (!n.AnyOf.Any(b => Check(branch, b).Count == 0))
                    {
                        Break($"{path}/anyOf", "composition-changed", $"anyOf: branch {index} of the previous version is not covered by any branch of the new one.");
                    }
                    index++;
                }
            }
        }

        if (n.Not is { } not && (o.Not is null || !Equivalent(o.Not, not)))
        {
            Break(path + "/not", "composition-changed", "not: added or changed.");
        }
    }

    private void CompareEquivalentLists(ICollection<JsonSchema> before, ICollection<JsonSchema> after, string path)
    {
        if (after.Count == 0)
        {
            return; // dropping allOf / oneOf only widens
        }

        if (before.Count != after.Count || before.Zip(after).Any(p => !Equivalent(p.First, p.Second)))
        {
            Break(path, "composition-changed", $"{path[(path.LastIndexOf('/') + 1)..]}: added or changed; only an unchanged list is checked as compatible.");
        }
    }

    private void CompareUnknownKeywords(JsonSchema o, JsonSchema n, string path)
    {
        var before = o.ExtensionData ?? new Dictionary<string, object?>();
        var after = n.ExtensionData ?? new Dictionary<string, object?>();
        foreach (var key in before.Keys.Union(after.Keys).Where(k => !Annotations.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var had = before.TryGetValue(key, out var was);
            var has = after.TryGetValue(key, out var now);
            if (had && !has && key == "const")
            {
                continue; // dropping const only widens
            }

            if (had != has || Json(was) != Json(now))
            {
                Break($"{path}/{key}", key == "const" ? "const-changed" : "unknown-keyword-changed",
                    $"{key}: {(had ? (has ? "changed" : "removed") : "added")}; Bridge cannot tell that this only widens, so it counts as breaking.");
            }
        }
    }

    private static string Json(object? value) => JsonConvert.SerializeObject(value, Formatting.None);

    private sealed class PairComparer : IEqualityComparer<(JsonSchema, JsonSchema)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((JsonSchema, JsonSchema) x, (JsonSchema, JsonSchema) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((JsonSchema, JsonSchema) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
