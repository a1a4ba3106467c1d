using Bridge.Envelopes;

namespace Bridge.Topology;

/// <summary>
/// A subscription filter evaluated by the broker: event type (any of), subject (exact or <c>prefix*</c>)
/// and application-property equality. All given conditions must hold.
/// </summary>
public sealed record EnvelopeFilter
{
    /// <summary>Matches every envelope.</summary>
    public static readonly EnvelopeFilter All = new();

    /// <summary>Accepted event types; empty accepts any.</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Subject equality, or prefix when ending with <c>*</c>; null accepts any.</summary>
    public string? Subject { get; init; }

    /// <summary>Required application property values.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = Envelope.EmptyProperties;

    /// <summary>True when the filter accepts everything.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Types.Count == 0 && Subject is null && Properties.Count == 0;

    /// <summary>Creates the filter described by configuration.</summary>
    public static EnvelopeFilter From(FilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new EnvelopeFilter
        {
            Types = [.. options.Types],
            Subject = string.IsNullOrEmpty(options.Subject) ? null : options.Subject,
            Properties = new Dictionary<string, string>(options.Properties, StringComparer.Ordinal),
        };
    }

    /// <summary>Evaluates the filter against an envelope.</summary>
    public bool Matches(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (Types.Count > 0 && !Types.Contains(envelope.Type, StringComparer.Ordinal))
        {
            return false;
        }

        if (Subject is not null && !SubjectMatches(envelope.Subject))
        {
            return false;
        }

        foreach (var (name, expected) in Properties)
        {
            if (!envelope.Properties.TryGetValue(name, out var actual) || !string.Equals(actual, expected, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private bool SubjectMatches(string? subject)
    {
        if (subject is null)
        {
            return false;
        }

        return Subject!.EndsWith('*')
            ? subject.StartsWith(Subject.AsSpan(0, Subject.Length - 1), StringComparison.Ordinal)
            : string.Equals(subject, Subject, StringComparison.Ordinal);
    }
}
