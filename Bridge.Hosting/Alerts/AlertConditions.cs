using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bridge.Hosting.Alerts;

/// <summary>
/// Says that this process serves what <paramref name="Kind"/> looks at, where that cannot be read off its instruments:
/// the publish API registers one for <see cref="AlertKind.PublishRefusals"/>.
/// </summary>
/// <param name="Kind">The kind of rule this process evaluates.</param>
public sealed record AlertSource(AlertKind Kind);

/// <summary>A rule's condition holding for one subject: the value measured and who is in breach when grouped.</summary>
/// <param name="Subject">What the alert is about: <c>topic/subscription</c>, <c>topic</c>, <c>publisher:id</c> or <c>*</c>.</param>
/// <param name="Value">The measured value (the worst member's when grouped).</param>
/// <param name="Members">The subjects in breach, when the rule groups them (else empty).</param>
/// <param name="Summary">One line for people.</param>
public sealed record AlertBreach(string Subject, double Value, IReadOnlyList<string> Members, string Summary);

/// <summary>
/// Works out, from <see cref="AlertSignals"/>, which subjects are in breach of a rule now. Keeps the gauges of the round
/// (one snapshot, taken by <see cref="Refresh"/>) and since when each endpoint has been unavailable, for
/// <see cref="AlertKind.EndpointUnavailable"/>.
/// </summary>
public sealed class AlertConditions(AlertSignals signals, IEnumerable<AlertSource> sources, IOptions<AlertOptions> options, TimeProvider time)
{
    private readonly bool _publishes = sources.Any(s => s.Kind == AlertKind.PublishRefusals);
    private readonly Dictionary<(string, string), DateTimeOffset> _unavailableSince = [];
    private AlertGauges _gauges = AlertGauges.None;

    /// <summary>Whether this process has what <paramref name="kind"/> looks at (so it may fire and clear its alerts).</summary>
    public bool Evaluates(AlertKind kind) => kind switch
    {
        AlertKind.DeadLetterDepth => signals.SeesDeadLetterDepth,
        AlertKind.PublishRefusals => _publishes,
        _ => signals.SeesDeliveries,
    };

    /// <summary>Starts counting (see <see cref="AlertSignals.Activate"/>): the first rule is in force.</summary>
    public void Activate() => signals.Activate();

    /// <summary>
    /// Reads the gauges, keeping what they say for the round, and moves the unavailability clocks on (once per
    /// evaluation, before <see cref="Breaches"/> and <see cref="Knows"/>).
    /// </summary>
    public void Refresh()
    {
        _gauges = signals.Refresh();
        var now = time.GetUtcNow();
        var unavailable = _gauges.Unavailable;
        foreach (var gone in _unavailableSince.Keys.Where(k => !unavailable.Contains(k)).ToList())
        {
            _unavailableSince.Remove(gone);
        }
        foreach (var address in unavailable)
        {
            _unavailableSince.TryAdd(address, now);
        }
    }

    /// <summary>
    /// Whether the end of <paramref name="rule"/>'s condition for <paramref name="subject"/> can be told: a dead-letter
    /// depth that could not be counted is unknown, not zero, and does not clear an alert.
    /// </summary>
    public bool Knows(AlertRuleOptions rule, string subject)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Kind != AlertKind.DeadLetterDepth)
        {
            return true;
        }
        var depths = _gauges.Depths.Keys.Where(a => InScope(rule, a));
        return rule.GroupBy switch
        {
            AlertGrouping.Subject => depths.Any(a => Name(a) == subject),
            AlertGrouping.Topic => depths.Any(a => a.Topic == subject),
            _ => depths.Any(),
        };
    }

    /// <summary>The breaches of <paramref name="rule"/> now, grouped as the rule says.</summary>
    public IReadOnlyList<AlertBreach> Breaches(AlertRuleOptions rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var threshold = rule.EffectiveThreshold;
        var window = rule.Window < options.Value.EvaluationInterval ? options.Value.EvaluationInterval : rule.Window; // nothing falls between two rounds
        var single = rule.Kind switch
        {
            AlertKind.DeadLetterDepth => _gauges.Depths
                .Where(d => InScope(rule, d.Key) && d.Value >= threshold)
                .Select(d => Breach(d.Key, d.Value, $"{d.Value} dead letters on {Name(d.Key)} (threshold {threshold:0.##})")),
            AlertKind.EndpointUnavailable => _unavailableSince
                .Select(u => (u.Key, Seconds: (time.GetUtcNow() - u.Value).TotalSeconds))
                .Where(u => InScope(rule, u.Key) && u.Seconds >= rule.For.TotalSeconds)
                .Select(u => Breach(u.Key, Math.Round(u.Seconds), $"The endpoint of {Name(u.Key)} has been paused or open-circuited for {Duration(u.Seconds)}")),
            AlertKind.FailureRatio => signals.Attempts(window)
                .Where(a => InScope(rule, a.Address) && a.Delivered + a.Failed >= rule.MinAttempts && Ratio(a.Failed, a.Delivered) >= threshold)
                .Select(a => Breach(a.Address, Math.Round(Ratio(a.Failed, a.Delivered), 4),
                    $"{a.Failed} of {a.Delivered + a.Failed} attempts failed on {Name(a.Address)} within {Duration(window.TotalSeconds)} ({Ratio(a.Failed, a.Delivered):P0}, threshold {threshold:P0})")),
            AlertKind.RetriesExhausted => signals.Exhausted(window)
                .Where(e => InScope(rule, e.Address) && e.Count >= threshold)
                .Select(e => Breach(e.Address, e.Count, $"{e.Count} envelopes of {Name(e.Address)} ran out of retries within {Duration(window.TotalSeconds)}")),
            AlertKind.PublishRefusals => signals.Refused(window)
                .Where(r => (rule.Publisher is null || rule.Publisher == r.Publisher) && r.Count >= threshold)
                .Select(r => new AlertBreach("publisher:" + r.Publisher, r.Count, [],
                    $"{r.Count} requests of publisher '{r.Publisher}' refused within {Duration(window.TotalSeconds)} ({string.Join(", ", r.Reasons.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key} {x.Value}"))})")),
            _ => [],
        };
        var breaches = single.OrderBy(b => b.Subject, StringComparer.Ordinal).ToList();
        return rule.GroupBy switch
        {
            AlertGrouping.Topic => [.. breaches.GroupBy(b => b.Subject[..b.Subject.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal)
                .Select(g => Group(g.Key, [.. g], $"topic {g.Key}"))],
            AlertGrouping.Rule when breaches.Count > 0 => [Group("*", breaches, "the rule")],
            _ => breaches,
        };
    }

    private static AlertBreach Group(string subject, List<AlertBreach> members, string what) =>
        members.Count == 1
            ? members[0] with { Subject = subject, Members = [members[0].Subject] }
            : new AlertBreach(subject, members.Max(m => m.Value), [.. members.Select(m => m.Subject)],
                $"{members.Count} in breach for {what}: {string.Join("; ", members.Take(5).Select(m => m.Summary))}{(members.Count > 5 ? "; …" : "")}");

    private static AlertBreach Breach((string Topic, string Subscription) address, double value, string summary) => new(Name(address), value, [], summary);

    private static bool InScope(AlertRuleOptions rule, (string Topic, string Subscription) address) =>
        (rule.Topic is null || rule.Topic == address.Topic) && (rule.Subscription is null || rule.Subscription == address.Subscription);

    private static string Name((string Topic, string Subscription) address) => $"{address.Topic}/{address.Subscription}";

    private static double Ratio(long failed, long delivered) => failed + delivered == 0 ? 0 : (double)failed / (failed + delivered);

    private static string Duration(double seconds) => seconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
    };
}
