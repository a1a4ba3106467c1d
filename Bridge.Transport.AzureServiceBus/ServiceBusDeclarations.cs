using System.Text.Json.Nodes;
using Bridge.Topology;
using Microsoft.Extensions.Configuration;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>One rule of a Bridge subscription on Service Bus, as a model that declares its entities up front writes it.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Subscription">The subscription.</param>
/// <param name="Name">The rule's name (<c>bridge-filter</c> or <c>bridge-resubmit</c>).</param>
/// <param name="SqlExpression">Its SQL filter.</param>
public sealed record DeclaredRule(string Topic, string Subscription, string Name, string SqlExpression);

/// <summary>
/// The rules the provisioner gives each subscription, for a model that declares the entities itself (the AppHost: the
/// emulator's configuration locally, Bicep for a namespace), so a deployment holds what Bridge would have created:
/// exactly the filter and resubmit rules, no <c>$Default</c>.
/// </summary>
public static class ServiceBusDeclarations
{
    /// <summary>The rules of every subscription of <paramref name="topics"/>, in order.</summary>
    public static IReadOnlyList<DeclaredRule> Rules(IEnumerable<TopicSpec> topics) =>
        [.. from topic in topics
            from subscription in topic.Subscriptions
            from rule in ServiceBusRules.For(subscription)
            select new DeclaredRule(subscription.Address.Topic, subscription.Address.Subscription, rule.Key, rule.Value.SqlExpression)];

    /// <summary>The rules of the topology configured under <c>Bridge:Topics</c> of <paramref name="configuration"/>.</summary>
    public static IReadOnlyList<DeclaredRule> Rules(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var topology = configuration.GetSection(TopologyOptions.SectionName).Get<TopologyOptions>() ?? new TopologyOptions();
        // Only the address and the filter make the rules: the webhook (whose secret an AppHost may not hold) is not read.
        return Rules(topology.Topics.Select(topic => new TopicSpec(topic.Key, [.. topic.Value.Subscriptions.Select(s => new SubscriptionSpec(
            new SubscriptionAddress(topic.Key, s.Key), EnvelopeFilter.From(s.Value.Filter), s.Value.Webhook.MaxAttempts, s.Value.LockDuration, s.Value.Ordered))])));
    }

    /// <summary>
    /// Writes <paramref name="rules"/> into the emulator's configuration document (<c>UserConfig</c> → <c>Namespaces</c> →
    /// <c>Topics</c> → <c>Subscriptions</c> → <c>Rules</c>) as SQL filters, replacing the rules of each subscription they
    /// name; throws naming a subscription the document lacks.
    /// </summary>
    public static void WriteToEmulatorConfig(JsonNode config, IReadOnlyList<DeclaredRule> rules)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rules);
        var topics = config["UserConfig"]?["Namespaces"]?.AsArray().SelectMany(n => n?["Topics"]?.AsArray() ?? []).OfType<JsonObject>().ToList() ?? [];
        foreach (var subscription in rules.GroupBy(r => (r.Topic, r.Subscription)))
        {
            var entry = topics.Where(t => (string?)t["Name"] == subscription.Key.Topic)
                .SelectMany(t => t["Subscriptions"]?.AsArray() ?? []).OfType<JsonObject>()
                .FirstOrDefault(s => (string?)s["Name"] == subscription.Key.Subscription)
                ?? throw new InvalidOperationException($"The emulator configuration has no subscription {subscription.Key.Topic}/{subscription.Key.Subscription}.");
            entry["Rules"] = new JsonArray(subscription.Select(rule => (JsonNode?)new JsonObject
            {
                ["Name"] = rule.Name,
                ["Properties"] = new JsonObject
                {
                    ["FilterType"] = "Sql",
                    ["SqlFilter"] = new JsonObject { ["SqlExpression"] = rule.SqlExpression },
                },
            }).ToArray());
        }
    }
}
