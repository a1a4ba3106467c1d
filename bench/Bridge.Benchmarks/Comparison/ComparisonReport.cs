using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks.Comparison;

/// <summary>
/// <c>--compare-report LABEL REF_OUTPUT CURRENT_OUTPUT</c>: the figures both runs printed side by side with the change
/// in percent (bench/compare.sh runs the two harnesses and calls this). Scenarios or figures only one run printed are
/// listed after the table, not compared.
/// </summary>
internal static class ComparisonReport
{
    public static int Run(string[] args)
    {
        var at = Array.IndexOf(args, "--compare-report");
        if (args.Length < at + 4)
        {
            Console.Error.WriteLine("usage: --compare-report <ref label> <ref output> <current output>");
            return 2;
        }
        var label = args[at + 1];
        var reference = Figures.Read(File.ReadLines(args[at + 2]));
        var current = Figures.Read(File.ReadLines(args[at + 3]));
        if (reference.Count == 0 || current.Count == 0)
        {
            Console.Error.WriteLine($"compare: no figure table in the {(reference.Count == 0 ? "ref" : "current")} run's output.");
            return 1;
        }
        Console.WriteLine(Markdown(label, reference, current));
        return 0;
    }

    public static string Markdown(
        string label,
        IReadOnlyList<(string Scenario, IReadOnlyList<Figure> Values)> reference,
        IReadOnlyList<(string Scenario, IReadOnlyList<Figure> Values)> current)
    {
        var text = new StringBuilder();
        var notes = new List<string>();
        text.AppendLine(CultureInfo.InvariantCulture, $"| scenario | figure | {label} | current | change |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var (scenario, values) in reference)
        {
            var now = current.FirstOrDefault(c => c.Scenario == scenario).Values;
            if (now is null)
            {
                notes.Add($"only in {label}: {scenario}");
                continue;
            }
            foreach (var before in values)
            {
                if (now.FirstOrDefault(v => v.Name == before.Name) is not { } after)
                {
                    notes.Add($"only in {label}: {scenario} / {before.Name}");
                    continue;
                }
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {scenario} | {before.Name} | {before.Text} | {after.Text} | {Change(before.Name, before.Value, after.Value)} |");
            }
            notes.AddRange(now.Where(v => !values.Any(b => b.Name == v.Name)).Select(v => $"only in current: {scenario} / {v.Name}"));
        }
        notes.AddRange(current.Where(c => !reference.Any(r => r.Scenario == c.Scenario)).Select(c => $"only in current: {c.Scenario}"));
        foreach (var note in notes)
        {
            text.AppendLine().Append("- ").Append(note);
        }
        return text.ToString();
    }

    private static string Change(string name, double before, double after)
    {
        if (before == after)
        {
            return "0 %";
        }
        if (before == 0)
        {
            return "new " + Verdict(name, after > before);
        }
        var change = (after - before) / Math.Abs(before);
        return change.ToString("+0.0 %;−0.0 %", CultureInfo.InvariantCulture) + " " + Verdict(name, after > before);
    }

    /// <summary>Whether the change is for the better: more is better for rates and ratios, less for time, CPU, memory and losses.</summary>
    private static string Verdict(string name, bool rose)
    {
        bool? higherIsBetter = name switch
        {
            _ when name.Contains("ms", StringComparison.Ordinal) || name.Contains("CPU", StringComparison.Ordinal)
                || name.Contains("RSS", StringComparison.Ordinal) => false,
            "lost" or "pending" or "dup" or "errors" => false,
            "rate" or "publisher accepted /s" or "vs raw loop" or "ingest vs no-op Kestrel" => true,
            _ => null,
        };
        return higherIsBetter is null ? "" : higherIsBetter == rose ? "(better)" : "(worse)";
    }
}
