using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bridge.Hosting.Alerts;

/// <summary>Alerting, section <c>Bridge:Alerts</c>: the rules, where their events go and how often they are checked.</summary>
public sealed class AlertOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:Alerts";

    /// <summary>
    /// The topic alert events (<c>bridge.alert.fired</c>, <c>bridge.alert.cleared</c>) are published to; its subscriptions are
    /// the alert webhooks, signed, retried, dead-lettered and replayable like any other. Unset: alerts are only recorded,
    /// counted as metrics and shown in the console.
    /// </summary>
    public string? Topic { get; set; }

    /// <summary>How often the rules are checked (1 s to 5 min; default 15 s).</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The rules from configuration, by name (the admin API adds its own; a name is either's, never both).</summary>
    public Dictionary<string, AlertRuleOptions> Rules { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What an alert rule watches.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AlertKind>))]
public enum AlertKind
{
    /// <summary>A subscription's dead letters reach <see cref="AlertRuleOptions.Threshold"/> (default 10).</summary>
    DeadLetterDepth,

    /// <summary>An endpoint stays paused, or its circuit open, for <see cref="AlertRuleOptions.For"/> (default 5 min) or longer.</summary>
    EndpointUnavailable,

    /// <summary>Within <see cref="AlertRuleOptions.Window"/>, at least this ratio of a subscription's attempts failed (default 0.5), over at least <see cref="AlertRuleOptions.MinAttempts"/> attempts.</summary>
    FailureRatio,

    /// <summary>Within <see cref="AlertRuleOptions.Window"/>, a publisher's requests were refused at least <see cref="AlertRuleOptions.Threshold"/> times (default 10): authentication, authorization, contract, rate limit.</summary>
    PublishRefusals,

    /// <summary>Within <see cref="AlertRuleOptions.Window"/>, at least <see cref="AlertRuleOptions.Threshold"/> envelopes (default 1) were dead-lettered because their retries ran out.</summary>
    RetriesExhausted,
}

/// <summary>How many alerts a rule raises: one per subscription (or publisher), one per topic, or one for the whole rule.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<AlertGrouping>))]
public enum AlertGrouping
{
    /// <summary>One alert per subscription (per publisher for <see cref="AlertKind.PublishRefusals"/>).</summary>
    Subject,

    /// <summary>One alert per topic, listing its subscriptions in breach (subscription kinds only).</summary>
    Topic,

    /// <summary>One alert for the rule, listing every subject in breach.</summary>
    Rule,
}

/// <summary>One alert rule.</summary>
public sealed class AlertRuleOptions
{
    /// <summary>What the rule watches (required).</summary>
    public AlertKind? Kind { get; set; }

    /// <summary>Only this topic's subscriptions (subscription kinds; optional).</summary>
    public string? Topic { get; set; }

    /// <summary>Only this subscription of <see cref="Topic"/> (optional; needs <see cref="Topic"/>).</summary>
    public string? Subscription { get; set; }

    /// <summary>Only this publisher (<see cref="AlertKind.PublishRefusals"/> only; optional).</summary>
    public string? Publisher { get; set; }

    /// <summary>The value at or above which the condition holds (depth, ratio 0-1, count); the kind's default when unset.</summary>
    public double? Threshold { get; set; }

    /// <summary>The sliding window counts are taken over (10 s to 1 h; default 5 min).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an endpoint must stay paused or open-circuited (<see cref="AlertKind.EndpointUnavailable"/>; 0 to 1 day; default 5 min).</summary>
    public TimeSpan For { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts needed within the window before a failure ratio counts (<see cref="AlertKind.FailureRatio"/>; 1-100000; default 10).</summary>
    public int MinAttempts { get; set; } = 10;

    /// <summary>The least time between two firings of one alert (no storm when a condition flaps; 0 to 1 day; default 15 min).</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>One alert per subject (default), per topic or for the whole rule.</summary>
    public AlertGrouping GroupBy { get; set; } = AlertGrouping.Subject;

    /// <summary>The threshold in force: <see cref="Threshold"/> or the kind's default.</summary>
    [JsonIgnore]
    public double EffectiveThreshold => Threshold ?? Kind switch
    {
        AlertKind.DeadLetterDepth => 10,
        AlertKind.FailureRatio => 0.5,
        AlertKind.PublishRefusals => 10,
        AlertKind.RetriesExhausted => 1,
        _ => 0,
    };
}

/// <summary>Writes and reads an enum by its camel-case name (<c>deadLetterDepth</c>), as the API shows it.</summary>
/// <typeparam name="T">The enum.</typeparam>
public sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(CamelCaseEnum.Policy, allowIntegerValues: false)
    where T : struct, Enum;

/// <summary>The camel-case names of enums, as <see cref="CamelCaseEnumConverter{T}"/> writes them.</summary>
internal static class CamelCaseEnum
{
    /// <summary>The naming policy of the converter.</summary>
    public static JsonNamingPolicy Policy => JsonNamingPolicy.CamelCase;

    /// <summary>The name of <paramref name="value"/> as the converter writes it (<c>deadLetterDepth</c>), for a stored text.</summary>
    public static string Name<T>(T value) where T : struct, Enum => Policy.ConvertName(value.ToString());
}
