using Microsoft.Extensions.Options;

namespace Bridge.Topology;

/// <summary>The validated topology as runtime definitions: what the broker provisions and the subscriber runs.</summary>
public sealed class TopologyCatalog
{
    private readonly Dictionary<string, TopicSpec> _topics;
    private readonly Dictionary<SubscriptionAddress, SubscriptionDefinition> _subscriptions;

    /// <summary>Builds the catalog from validated options.</summary>
    public TopologyCatalog(IOptions<TopologyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _topics = new Dictionary<string, TopicSpec>(StringComparer.Ordinal);
        _subscriptions = [];
        foreach (var (topic, topicOptions) in options.Value.Topics.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var specs = new List<SubscriptionSpec>();
            foreach (var (name, sub) in topicOptions.Subscriptions.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var webhook = sub.Webhook;
                var spec = new SubscriptionSpec(new SubscriptionAddress(topic, name), EnvelopeFilter.From(sub.Filter), webhook.MaxAttempts, sub.LockDuration, sub.Ordered);
                specs.Add(spec);
                _subscriptions[spec.Address] = new SubscriptionDefinition(spec, new WebhookTarget(
                    new Uri(webhook.Url!, UriKind.Absolute), webhook.Secret!, webhook.Timeout, webhook.MaxAttempts,
                    webhook.Concurrency, webhook.RetryBaseDelay, webhook.MaxRetryDelay)
                {
                    Protection = EndpointProtection.From(webhook),
                })
                {
                    Contract = sub.Contract is { Type: { } type } contract ? new ContractRequirement(type, contract.MinVersion) : null,
                };
            }
            _topics[topic] = new TopicSpec(topic, specs);
        }
    }

    /// <summary>All topics with their subscriptions.</summary>
    public IReadOnlyCollection<TopicSpec> Topics => _topics.Values;

    /// <summary>All subscriptions with their webhook targets.</summary>
    public IReadOnlyCollection<SubscriptionDefinition> Subscriptions => _subscriptions.Values;

    /// <summary>True when a topic of that name is configured.</summary>
    public bool HasTopic(string topic) => _topics.ContainsKey(topic);

    /// <summary>Finds a subscription by topic and name.</summary>
    public SubscriptionDefinition? Find(SubscriptionAddress address) => _subscriptions.GetValueOrDefault(address);
}
