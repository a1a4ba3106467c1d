using System.Text.RegularExpressions;
using Bridge.Security;
using Bridge.Topology;
using Microsoft.Extensions.Options;

namespace Bridge.Hosting.Alerts;

/// <summary>
/// Checks alert rules, naming the setting at fault: at start for <c>Bridge:Alerts</c> (an invalid rule stops the start)
/// and in the admin API (a 400 naming the field, nothing stored).
/// </summary>
public static partial class AlertRuleValidation
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>Whether <paramref name="name"/> may name a rule: 1-63 of a-z, 0-9, '-', '_', starting with a letter or digit.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>What is wrong with <paramref name="rule"/>, by field name (<paramref name="prefix"/> + the camel-case field), empty when nothing.</summary>
    public static Dictionary<string, string[]> Validate(AlertRuleOptions rule, string prefix, TopologyCatalog? catalog)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[prefix + field] = [message];

        if (rule.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            Fail("kind", $"Required: one of {string.Join(", ", Enum.GetNames<AlertKind>())}.");
            return errors;
        }

        var publisherKind = kind == AlertKind.PublishRefusals;
        if (publisherKind && (rule.Topic is not null || rule.Subscription is not null))
        {
            Fail("topic", "A publishRefusals rule watches publishers; scope it with 'publisher', not a topic or subscription.");
        }
        if (!publisherKind && rule.Publisher is not null)
        {
            Fail("publisher", "Only a publishRefusals rule is scoped to a publisher.");
        }
        if (rule.Topic is { } topic && catalog is not null && !catalog.HasTopic(topic))
        {
            Fail("topic", $"Unknown topic '{topic}'.");
        }
        if (rule.Subscription is not null && rule.Topic is null)
        {
            Fail("subscription", "A subscription is named within its topic: set 'topic' too.");
        }
        if (rule.Publisher is { } publisher && publisher != BridgeClaims.Anonymous && !PublisherPattern().IsMatch(publisher))
        {
            Fail("publisher", $"A publisher id (1-64 of a-z, 0-9, '-'), or '{BridgeClaims.Anonymous}' for requests refused before their key was recognised.");
        }
        if (publisherKind && rule.GroupBy == AlertGrouping.Topic)
        {
            Fail("groupBy", "A publishRefusals rule groups by 'subject' (one alert per publisher) or 'rule'.");
        }
        if (!Enum.IsDefined(rule.GroupBy))
        {
            Fail("groupBy", $"One of {string.Join(", ", Enum.GetNames<AlertGrouping>())}.");
        }

        if (rule.Threshold is { } threshold)
        {
            var (low, high, what) = kind switch
            {
                AlertKind.FailureRatio => (0.01, 1.0, "a ratio from 0.01 to 1"),
                AlertKind.EndpointUnavailable => (double.NaN, double.NaN, "not used: the rule fires after 'for'"),
                _ => (1.0, 1_000_000_000.0, "a count from 1 to 1,000,000,000"),
            };
            if (double.IsNaN(low) || double.IsNaN(threshold) || threshold < low || threshold > high)
            {
                Fail("threshold", $"Must be {what}.");
            }
        }
        if (rule.Window < TimeSpan.FromSeconds(10) || rule.Window > TimeSpan.FromHours(1))
        {
            Fail("window", "From 10 seconds to 1 hour.");
        }
        if (rule.For < TimeSpan.Zero || rule.For > Day)
        {
            Fail("for", "From 0 to 1 day.");
        }
        if (rule.MinAttempts is < 1 or > 100_000)
        {
            Fail("minAttempts", "From 1 to 100,000.");
        }
        if (rule.MinInterval < TimeSpan.Zero || rule.MinInterval > Day)
        {
            Fail("minInterval", "From 0 to 1 day.");
        }
        return errors;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex PublisherPattern();
}

/// <summary>Validates <see cref="AlertOptions"/> at start, naming the configuration key at fault.</summary>
internal sealed class AlertOptionsValidator(TopologyCatalog catalog) : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var failures = new List<string>();
        if (options.EvaluationInterval < TimeSpan.FromSeconds(1) || options.EvaluationInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{AlertOptions.SectionName}:EvaluationInterval must be from 1 second to 5 minutes.");
        }
        if (options.Topic is { } topic && !catalog.HasTopic(topic))
        {
            failures.Add($"{AlertOptions.SectionName}:Topic names '{topic}', which is not a topic of Bridge:Topics.");
        }
        foreach (var (rule, settings) in options.Rules)
        {
            var key = $"{AlertOptions.SectionName}:Rules:{rule}";
            if (!AlertRuleValidation.IsValidName(rule))
            {
                failures.Add($"{key}: a rule name is 1-63 of a-z, 0-9, '-', '_'.");
            }
            failures.AddRange(AlertRuleValidation.Validate(settings, key + ":", catalog).Select(e => $"{e.Key}: {e.Value[0]}"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
