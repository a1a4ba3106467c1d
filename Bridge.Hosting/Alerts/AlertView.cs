using System.Text.Json;
using Bridge.Store.Alerts;

namespace Bridge.Hosting.Alerts;

/// <summary>An alert as the API and the console show it.</summary>
/// <param name="Id">The alert id (also the correlation id of its events).</param>
/// <param name="Rule">The rule's name.</param>
/// <param name="Kind">What the rule watches.</param>
/// <param name="Subject">What the alert is about.</param>
/// <param name="State"><c>open</c> or <c>cleared</c>.</param>
/// <param name="OpenedAt">When it fired.</param>
/// <param name="ClearedAt">When it cleared.</param>
/// <param name="Value">The value measured when it fired.</param>
/// <param name="Peak">The highest value seen while open.</param>
/// <param name="Threshold">The rule's threshold.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Members">The subjects in breach when the rule groups several.</param>
public sealed record AlertView(
    string Id, string Rule, string Kind, string Subject, string State, DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt, double Value, double Peak,
    double Threshold, string Summary, IReadOnlyList<string> Members)
{
    /// <summary>The view of <paramref name="alert"/>.</summary>
    public static AlertView From(AlertRecord alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new(alert.Id, alert.Rule, alert.Kind, alert.Subject, alert.ClearedAt is null ? "open" : "cleared", alert.OpenedAt, alert.ClearedAt,
            alert.Value, alert.Peak, alert.Threshold, alert.Summary, MembersOf(alert));
    }

    /// <summary>The members stored with <paramref name="alert"/>.</summary>
    public static IReadOnlyList<string> MembersOf(AlertRecord alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Members is { } json ? JsonSerializer.Deserialize<List<string>>(json) ?? [] : [];
    }
}
