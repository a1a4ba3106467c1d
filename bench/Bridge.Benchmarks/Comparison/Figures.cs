using System.Globalization;
using System.Text.RegularExpressions;
using Bridge.Benchmarks.Reporting;

namespace Bridge.Benchmarks.Comparison;

/// <summary>
/// The numeric figures of one harness run, read back from its markdown output: the table whose first column is
/// <c>scenario</c>, one figure per scenario and numeric column. Any harness version's output reads, whatever columns
/// it has: a cell <c>38.8 (1.28)</c> under <c>bridge CPU s (cores)</c> gives <c>bridge CPU s</c> and
/// <c>bridge CPU s, cores</c>; text cells (notes, "latency from") are left out. Where a run has no
/// <see cref="CpuPerEvent"/> column it is derived from its CPU seconds and delivered count, the same way the harness does.
/// </summary>
internal static partial class Figures
{
    public const string CpuPerEvent = "bridge CPU µs/event";

    /// <summary>Scenario → figure name → value, scenarios and figures in the order printed.</summary>
    public static IReadOnlyList<(string Scenario, IReadOnlyList<Figure> Values)> Read(IEnumerable<string> lines)
    {
        var scenarios = new List<(string, IReadOnlyList<Figure>)>();
        string[]? header = null;
        foreach (var line in lines.Select(l => l.Trim()))
        {
            if (!line.StartsWith('|'))
            {
                header = null;
                continue;
            }
            var cells = Cells(line);
            if (header is null)
            {
                header = cells.Length > 1 && cells[0] == "scenario" ? cells : [];
                continue;
            }
            if (header.Length == 0 || cells.All(c => c.Trim('-', ':').Length == 0))
            {
                continue;
            }
            scenarios.Add((cells[0], Row(header, cells)));
        }
        return scenarios;
    }

    private static List<Figure> Row(string[] header, string[] cells)
    {
        var values = new List<Figure>();
        for (var i = 1; i < Math.Min(header.Length, cells.Length); i++)
        {
            var match = NumberCell().Match(cells[i]);
            if (!match.Success)
            {
                continue;
            }
            var column = ColumnWithDetail().Match(header[i]);
            var name = column.Success ? column.Groups["name"].Value : header[i];
            var value = match.Groups["value"].Value;
            values.Add(new(name, Number(value), value + (match.Groups["unit"].Value == "%" ? "%" : "")));
            if (match.Groups["detail"].Success)
            {
                var detail = match.Groups["detail"].Value;
                values.Add(new(column.Success ? $"{name}, {column.Groups["detail"].Value}" : $"{header[i]}, in parentheses", Number(detail), detail));
            }
        }
        if (!values.Any(v => v.Name == CpuPerEvent) && Value(values, "bridge CPU s") is { } cpu && Value(values, "accepted") is { } accepted)
        {
            var delivered = accepted - (Value(values, "lost") ?? 0) - (Value(values, "pending") ?? 0);
            if (delivered > 0)
            {
                values.Add(new(CpuPerEvent, cpu * 1e6 / delivered, Format.One(cpu * 1e6 / delivered)));
            }
        }
        return values;
    }

    private static double? Value(List<Figure> values, string name) =>
        values.FindIndex(v => v.Name == name) is >= 0 and var index ? values[index].Value : null;

    private static string[] Cells(string line) =>
        line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    private static double Number(string text) =>
        double.Parse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A number with at most one unit word (<c>4,985 events/s</c>, <c>22%</c>) and an optional second number in parentheses.</summary>
    [GeneratedRegex(@"^(?<value>-?[\d,]*\d(\.\d+)?)\s*(?<unit>%|[A-Za-zµ/]+)?(\s*\((?<detail>-?[\d,]*\d(\.\d+)?)\))?$")]
    private static partial Regex NumberCell();

    [GeneratedRegex(@"^(?<name>.+?) \((?<detail>[^()]+)\)$")]
    private static partial Regex ColumnWithDetail();
}

/// <summary>One figure: its name (the column), value, and the text it was printed as.</summary>
internal sealed record Figure(string Name, double Value, string Text);
