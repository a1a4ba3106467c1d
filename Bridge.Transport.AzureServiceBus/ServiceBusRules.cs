using System.Text;
using Azure.Messaging.ServiceBus.Administration;
using Bridge.Topology;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// The rules of a Bridge subscription on its Service Bus subscription: <see cref="FilterRule"/> takes the topic's
/// envelopes its <see cref="EnvelopeFilter"/> matches (as a SQL filter), <see cref="ResubmitRule"/> takes the dead
/// letters resubmitted to it alone. Nothing else is kept: the <c>$Default</c> rule (take everything) is removed.
/// </summary>
internal static class ServiceBusRules
{
    /// <summary>The rule selecting the subscription's envelopes.</summary>
    public const string FilterRule = "bridge-filter";

    /// <summary>The rule selecting dead letters resubmitted to this subscription.</summary>
    public const string ResubmitRule = "bridge-resubmit";

    /// <summary>The rules the subscription must have, by name.</summary>
    public static IReadOnlyDictionary<string, SqlRuleFilter> For(SubscriptionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new Dictionary<string, SqlRuleFilter>(StringComparer.Ordinal)
        {
            [FilterRule] = new(Sql(spec.Filter)),
            [ResubmitRule] = new($"{Property(ServiceBusEnvelopes.ResubmitProperty)} = {Literal(spec.Address.Subscription)}"),
        };
    }

    /// <summary>
    /// The SQL filter expression of <paramref name="filter"/>: every condition must hold, and a message resubmitted to
    /// one subscription never matches through the filter (only through that subscription's resubmit rule).
    /// </summary>
    public static string Sql(EnvelopeFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var conditions = new List<string> { $"{Property(ServiceBusEnvelopes.ResubmitProperty)} IS NULL" };
        if (filter.Types.Count > 0)
        {
            conditions.Add($"{Property(ServiceBusEnvelopes.TypeProperty)} IN ({string.Join(", ", filter.Types.Select(Literal))})");
        }

        if (filter.Subject is { } subject)
        {
            conditions.Add(subject.EndsWith('*')
                ? $"{Property(ServiceBusEnvelopes.SubjectProperty)} LIKE {Literal(EscapeLike(subject[..^1]) + "%")} ESCAPE '!'"
                : $"{Property(ServiceBusEnvelopes.SubjectProperty)} = {Literal(subject)}");
        }

        foreach (var (name, value) in filter.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            conditions.Add($"{Property(name)} = {Literal(value)}");
        }

        return string.Join(" AND ", conditions);
    }

    /// <summary>True when <paramref name="existing"/> is the filter <paramref name="wanted"/> describes.</summary>
    public static bool IsSame(RuleFilter? existing, SqlRuleFilter wanted) =>
        existing is SqlRuleFilter sql && string.Equals(sql.SqlExpression, wanted.SqlExpression, StringComparison.Ordinal);

    /// <summary>An application property, delimited so that any name is allowed.</summary>
    private static string Property(string name) => $"user.[{name.Replace("]", "]]", StringComparison.Ordinal)}]";

    private static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static string EscapeLike(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '!' or '%' or '_' or '[')
            {
                escaped.Append('!');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
