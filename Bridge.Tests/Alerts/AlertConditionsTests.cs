using System.Diagnostics;
using Bridge.Hosting.Alerts;
using Bridge.Telemetry;

namespace Bridge.Tests.Alerts;

/// <summary>
/// Which subjects are in breach of a rule, from Bridge's own instruments (the real counters, on topics no other test
/// uses) and a clock the test moves: thresholds, minimum attempts, windows, scope and grouping.
/// </summary>
public sealed class AlertConditionsTests : IDisposable
{
    private readonly string _topic = "alerts-unit-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _other = "alerts-unit-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ManualClock _clock = new();
    private readonly AlertSignals _signals;
    private readonly AlertConditions _conditions;

    public AlertConditionsTests()
    {
        _signals = new AlertSignals(_clock);
        _signals.Activate();
        _conditions = new AlertConditions(_signals, [], Microsoft.Extensions.Options.Options.Create(new AlertOptions { EvaluationInterval = TimeSpan.FromSeconds(1) }), _clock);
    }

    [Fact]
    public void A_failure_ratio_counts_only_with_enough_attempts_in_the_window_and_clears_when_the_window_has_passed()
    {
        var rule = new AlertRuleOptions { Kind = AlertKind.FailureRatio, Topic = _topic, Threshold = 0.5, MinAttempts = 4, Window = TimeSpan.FromSeconds(30) };
        Attempts(_topic, "crm", delivered: 1, failed: 2);
        Assert.Empty(_conditions.Breaches(rule)); // 3 attempts: fewer than 4

        Attempts(_topic, "crm", delivered: 0, failed: 1);
        var breach = Assert.Single(_conditions.Breaches(rule));
        Assert.Equal(($"{_topic}/crm", 0.75), (breach.Subject, breach.Value));
        Assert.Contains("3 of 4 attempts failed", breach.Summary, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Empty(_conditions.Breaches(rule));
    }

    [Fact]
    public void Grouping_by_topic_or_rule_folds_the_subscriptions_in_breach_into_one_alert_listing_them_and_scope_leaves_others_out()
    {
        foreach (var (topic, subscription) in new[] { (_topic, "crm"), (_topic, "erp"), (_other, "wms") })
        {
            DeadLettered(topic, subscription, "MaxAttemptsExceeded");
        }
        DeadLettered(_topic, "billing", "WebhookRejected"); // not an exhausted retry

        var perSubject = new AlertRuleOptions { Kind = AlertKind.RetriesExhausted, Topic = _topic };
        Assert.Equal([$"{_topic}/crm", $"{_topic}/erp"], _conditions.Breaches(perSubject).Select(b => b.Subject));

        var perTopic = new AlertRuleOptions { Kind = AlertKind.RetriesExhausted, Topic = _topic, GroupBy = AlertGrouping.Topic };
        var grouped = Assert.Single(_conditions.Breaches(perTopic));
        Assert.Equal(_topic, grouped.Subject);
        Assert.Equal([$"{_topic}/crm", $"{_topic}/erp"], grouped.Members);

        var one = new AlertRuleOptions { Kind = AlertKind.RetriesExhausted, Subscription = "wms", Topic = _other, GroupBy = AlertGrouping.Rule };
        var rule = Assert.Single(_conditions.Breaches(one));
        Assert.Equal("*", rule.Subject);
        Assert.Equal([$"{_other}/wms"], rule.Members);
    }

    [Fact]
    public void Refused_requests_are_counted_per_publisher_with_their_reasons()
    {
        var publisher = "acme-" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 3; i++)
        {
            BridgeTelemetry.RequestsRefused.Add(1, new("publisher", publisher), new("reason", i == 0 ? "contract" : "rate_limit"));
        }
        var rule = new AlertRuleOptions { Kind = AlertKind.PublishRefusals, Publisher = publisher, Threshold = 3 };
        var breach = Assert.Single(_conditions.Breaches(rule));
        Assert.Equal(($"publisher:{publisher}", 3.0), (breach.Subject, breach.Value));
        Assert.EndsWith("(contract 1, rate_limit 2)", breach.Summary, StringComparison.Ordinal);
        Assert.Empty(_conditions.Breaches(new AlertRuleOptions { Kind = AlertKind.PublishRefusals, Publisher = publisher, Threshold = 4 }));
    }

    public void Dispose() => _signals.Dispose();

    private static void Attempts(string topic, string subscription, int delivered, int failed)
    {
        var tags = new TagList { { "topic", topic }, { "subscription", subscription } };
        BridgeTelemetry.Delivered.Add(delivered, tags);
        BridgeTelemetry.FailedAttempts.Add(failed, tags);
    }

    private static void DeadLettered(string topic, string subscription, string reason) =>
        BridgeTelemetry.DeadLettered.Add(1, new TagList { { "topic", topic }, { "subscription", subscription }, { "reason", reason } });

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
