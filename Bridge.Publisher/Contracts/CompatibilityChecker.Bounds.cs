using System.Globalization;
using NJsonSchema;

namespace Bridge.Publisher.Contracts;

/// <summary>The rules for bounds, strings, arrays and objects.</summary>
internal sealed partial class CompatibilityChecker
{
    private void CompareNumbers(JsonSchema o, JsonSchema n, string path)
    {
        CompareBound(Lower(o), Lower(n), path, "minimum", lower: true);
        CompareBound(Upper(o), Upper(n), path, "maximum", lower: false);
        if (n.MultipleOf is { } after && (o.MultipleOf is not { } before || after == 0 || before % after != 0))
        {
            Break(path + "/multipleOf", "bound-tightened", $"multipleOf: {Show(o.MultipleOf)} -> {after.ToString(CultureInfo.InvariantCulture)}; not every value allowed before is a multiple of it.");
        }
    }

    private static (decimal Value, bool Exclusive)? Lower(JsonSchema s) =>
        s.ExclusiveMinimum is { } e ? (e, true) : s.Minimum is { } m ? (m, s.IsExclusiveMinimum) : null;

    private static (decimal Value, bool Exclusive)? Upper(JsonSchema s) =>
        s.ExclusiveMaximum is { } e ? (e, true) : s.Maximum is { } m ? (m, s.IsExclusiveMaximum) : null;

    private void CompareBound((decimal Value, bool Exclusive)? before, (decimal Value, bool Exclusive)? after, string path, string keyword, bool lower)
    {
        if (after is not { } a)
        {
            return;
        }

        var tighter = before is not { } b
            || (lower ? a.Value > b.Value : a.Value < b.Value)
            || (a.Value == b.Value && a.Exclusive && !b.Exclusive);
        if (tighter)
        {
            Break($"{path}/{keyword}", "bound-tightened", $"{keyword}: {ShowBound(before)} -> {ShowBound(after)}.");
        }
    }

    private void CompareStrings(JsonSchema o, JsonSchema n, string path)
    {
        CompareMax(o.MaxLength, n.MaxLength, path, "maxLength");
        CompareMin(o.MinLength, n.MinLength, path, "minLength");
        if (n.Pattern is { } pattern && pattern != o.Pattern)
        {
            Break(path + "/pattern", "pattern-changed", $"pattern: '{o.Pattern ?? "(none)"}' -> '{pattern}'.");
        }

        if (n.Format is { } format && format != o.Format)
        {
            Break(path + "/format", "format-changed", $"format: '{o.Format ?? "(none)"}' -> '{format}'.");
        }
    }

    private void CompareArrays(JsonSchema o, JsonSchema n, string path)
    {
        CompareMax(o.MaxItems > 0 ? o.MaxItems : null, n.MaxItems > 0 ? n.MaxItems : null, path, "maxItems");
        CompareMin(o.MinItems, n.MinItems, path, "minItems");
        if (n.UniqueItems && !o.UniqueItems)
        {
            Break(path + "/uniqueItems", "bound-tightened", "uniqueItems: now true.");
        }

        if (o.Items.Count == 0 && n.Items.Count == 0)
        {
            if (n.Item is { } item)
            {
                Compare(o.Item ?? new JsonSchema(), item, path + "/items");
            }
            return;
        }

        if (n.Items.Count == 0 && n.Item is null)
        {
            return;
        }

        if (o.Items.Count != n.Items.Count || n.Item is not null)
        {
            Break(path + "/items", "items-changed", "items: the tuple form changed; only an unchanged tuple is checked as compatible.");
            return;
        }

        foreach (var (pair, index) in o.Items.Zip(n.Items).Select((p, i) => (p, i)))
        {
            Compare(pair.First, pair.Second, $"{path}/items/{index}");
        }

        if (!n.AllowAdditionalItems && o.AllowAdditionalItems)
        {
            Break(path + "/additionalItems", "additional-items-closed", "additionalItems: now false.");
        }
    }

    private void CompareObjects(JsonSchema o, JsonSchema n, string path)
    {
        CompareMax(o.MaxProperties > 0 ? o.MaxProperties : null, n.MaxProperties > 0 ? n.MaxProperties : null, path, "maxProperties");
        CompareMin(o.MinProperties, n.MinProperties, path, "minProperties");
        foreach (var name in n.RequiredProperties.Except(o.RequiredProperties, StringComparer.Ordinal))
        {
            Break(path + "/required", "required-added", $"required: '{name}' is newly required.");
        }

        foreach (var (name, before) in o.Properties)
        {
            var at = $"{path}/properties/{name}";
            if (n.Properties.TryGetValue(name, out var after))
            {
                Compare(before, after, at);
            }
            else if (n.AdditionalPropertiesSchema is { } additional)
            {
                Compare(before, additional, at);
            }
            else if (!n.AllowAdditionalProperties)
            {
                Break(at, "property-removed", $"properties: '{name}' was removed while additional properties are not allowed.");
            }
        }

        foreach (var (name, after) in n.Properties.Where(p => !o.Properties.ContainsKey(p.Key)))
        {
            var at = $"{path}/properties/{name}";
            if (o.AdditionalPropertiesSchema is { } additional)
            {
                Compare(additional, after, at);
            }
            else if (o.AllowAdditionalProperties)
            {
                CompareWithAnything(after, at, "property-added-constrained",
                    $"properties: '{name}' was added with constraints while the previous version allowed any additional property");
            }
        }

        CompareAdditionalProperties(o, n, path);
        if ((o.PatternProperties.Count > 0 || n.PatternProperties.Count > 0)
            && (o.PatternProperties.Count != n.PatternProperties.Count
                || o.PatternProperties.Any(p => !n.PatternProperties.TryGetValue(p.Key, out var s) || !Equivalent(p.Value, s))))
        {
            Break(path + "/patternProperties", "pattern-properties-changed", "patternProperties: changed; only an unchanged set is checked as compatible.");
        }
    }

    private void CompareAdditionalProperties(JsonSchema o, JsonSchema n, string path)
    {
        var at = path + "/additionalProperties";
        if (!o.AllowAdditionalProperties)
        {
            return; // false before: no event had any
        }

        if (!n.AllowAdditionalProperties)
        {
            Break(at, "additional-properties-closed", "additionalProperties: now false.");
        }
        else if (n.AdditionalPropertiesSchema is { } after)
        {
            if (o.AdditionalPropertiesSchema is { } before)
            {
                Compare(before, after, at);
            }
            else
            {
                CompareWithAnything(after, at, "additional-properties-constrained", "additionalProperties: any value was allowed, now a schema");
            }
        }
    }

    private void CompareMax(int? before, int? after, string path, string keyword)
    {
        if (after is { } a && (before is not { } b || a < b))
        {
            Break($"{path}/{keyword}", "bound-tightened", $"{keyword}: {Show(before)} -> {a}.");
        }
    }

    private void CompareMin(int? before, int? after, string path, string keyword)
    {
        if ((after ?? 0) > (before ?? 0))
        {
            Break($"{path}/{keyword}", "bound-tightened", $"{keyword}: {before ?? 0} -> {after}.");
        }
    }

    private static string Show<T>(T? value)
        where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture) ?? "(none)";

    private static string ShowBound((decimal Value, bool Exclusive)? bound) =>
        bound is { } b ? b.Value.ToString(CultureInfo.InvariantCulture) + (b.Exclusive ? " (exclusive)" : "") : "(none)";
}
