using System.Text.RegularExpressions;
using Bridge.Messaging;
using Bridge.Sources;
using Bridge.Topology;

namespace Bridge.Publisher.Sources;

/// <summary>One source: a broker entity another system writes to, read into a Bridge topic.</summary>
/// <param name="Name">The source's name (<c>Bridge:Sources:{name}</c>).</param>
/// <param name="Topic">The topic it feeds.</param>
/// <param name="Mapping">How a message becomes an event.</param>
/// <param name="Reader">The reader factory of its broker.</param>
/// <param name="Settings">Its broker section.</param>
/// <param name="MaxBatch">Most messages taken and published together.</param>
/// <param name="ReceiptWindow">How long a published message's id is remembered against redeliveries.</param>
internal sealed record SourceDefinition(
    string Name, string Topic, SourceMapping Mapping, ISourceReaderFactory Reader, IConfigurationSection Settings, int MaxBatch, TimeSpan ReceiptWindow);

/// <summary>
/// The sources of <c>Bridge:Sources</c>, read and checked at start: a source that names no known topic, no broker or two,
/// or a setting its broker or mapping refuses stops the start with every problem named by its setting.
/// </summary>
internal sealed partial class SourceDefinitions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Sources";

    private const int DefaultMaxBatch = 100;
    private static readonly TimeSpan DefaultReceiptWindow = TimeSpan.FromDays(7);

    public SourceDefinitions(IConfiguration configuration, TopologyCatalog catalog, IEnumerable<ISourceReaderFactory> readers)
    {
        var factories = readers.ToList();
        var problems = new List<string>();
        var sources = new List<SourceDefinition>();
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            var prefix = $"{SectionName}:{section.Key}";
            if (!NamePattern().IsMatch(section.Key))
            {
                problems.Add($"{prefix}: a source's name is 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
                continue;
            }

            var topic = section["Topic"];
            if (string.IsNullOrWhiteSpace(topic) || !catalog.HasTopic(topic))
            {
                problems.Add($"{prefix}:Topic: must name a configured topic ('{topic}' is not one).");
            }

            var brokers = factories.Where(f => section.GetSection(f.Section).Exists()).ToList();
            if (brokers.Count != 1)
            {
                problems.Add($"{prefix}: needs exactly one broker section ({string.Join(" or ", factories.Select(f => f.Section))}), found {brokers.Count}.");
                continue;
            }

            var reader = brokers[0];
            var before = problems.Count;
            Read($"{prefix}:{reader.Section}", problems, () => problems.AddRange(
                reader.Validate(section.GetSection(reader.Section)).Select(p => $"{prefix}:{reader.Section}:{p.Setting}: {p.Message}")));
            var mapping = new SourceMapping();
            Read($"{prefix}:Mapping", problems, () => section.GetSection("Mapping").Bind(mapping));
            problems.AddRange(SourceMappingRules.Validate(mapping).Select(p => $"{prefix}:{Qualified(p.Field)}: {p.Message}"));
            var maxBatch = DefaultMaxBatch;
            Read($"{prefix}:MaxBatch", problems, () => maxBatch = section.GetValue("MaxBatch", DefaultMaxBatch));
            if (maxBatch is < 1 or > 1000)
            {
                problems.Add($"{prefix}:MaxBatch: must be 1-1000.");
            }

            var window = DefaultReceiptWindow;
            Read($"{prefix}:ReceiptWindow", problems, () => window = section.GetValue("ReceiptWindow", DefaultReceiptWindow));
            if (window < TimeSpan.FromHours(1) || window > TimeSpan.FromDays(90))
            {
                problems.Add($"{prefix}:ReceiptWindow: must be between 01:00:00 and 90.00:00:00 (longer than any outage a batch may be held through).");
            }

            if (problems.Count == before)
            {
                sources.Add(new SourceDefinition(section.Key, topic ?? "", mapping, reader, section.GetSection(reader.Section), maxBatch, window));
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Bridge:Sources is not usable:\n  " + string.Join("\n  ", problems));
        }

        All = sources;
    }

    /// <summary>Every source, in configuration order.</summary>
    public IReadOnlyList<SourceDefinition> All { get; }

    /// <summary>The source named <paramref name="name"/>, or null.</summary>
    public SourceDefinition? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>Runs <paramref name="read"/>; a value the configuration binder cannot convert becomes a problem named by <paramref name="setting"/>.</summary>
    private static void Read(string setting, List<string> problems, Action read)
    {
        try
        {
            read();
        }
        catch (InvalidOperationException ex)
        {
            problems.Add($"{setting}: {ex.Message}");
        }
    }

    private static string Qualified(string field) => field.StartsWith("Mapping", StringComparison.Ordinal) ? field : $"Mapping:{field}";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex NamePattern();
}
