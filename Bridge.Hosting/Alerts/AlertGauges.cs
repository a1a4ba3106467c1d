namespace Bridge.Hosting.Alerts;

/// <summary>The gauges as one <see cref="AlertSignals.Refresh"/> read them: a snapshot, never changed afterwards.</summary>
/// <param name="Depths">The dead-letter depth per subscription.</param>
/// <param name="Unavailable">The subscriptions whose endpoint is paused or open-circuited.</param>
public sealed record AlertGauges(
    IReadOnlyDictionary<(string Topic, string Subscription), long> Depths,
    IReadOnlySet<(string Topic, string Subscription)> Unavailable)
{
    /// <summary>Before the gauges were first read: nothing known.</summary>
    public static AlertGauges None { get; } = new(new Dictionary<(string, string), long>(), new HashSet<(string, string)>());
}
