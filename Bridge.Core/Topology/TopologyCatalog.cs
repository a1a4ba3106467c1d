using Microsoft.Extensions.Options;

namespace Bridge.Topology;

/// <summary>
/// The topology as runtime definitions: what the broker provisions and the subscriber runs. Topics and configured
/// subscriptions come from validated options; subscriptions made through the API are applied at run time
/// (<see cref="ApplyRuntime"/>), and <see cref="Changed"/> tells the services to catch up. Reads see one consistent snapshot.
/// </summary>
public sealed class TopologyCatalog
{
    private readonly IReadOnlyDictionary<string, TopicOptions> _configuredTopics;
    private readonly IReadOnlyList<SubscriptionDefinition> _configured;
    private readonly object _sync = new();
    private volatile Snapshot _snapshot;

    /// <summary>Builds the catalog from validated options.</summary>
    public TopologyCatalog(IOptions<TopologyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configuredTopics = new Dictionary<string, TopicOptions>(options.Value.Topics, StringComparer.Ordinal);
        _configured = [.. options.Value.Topics
            .SelectMany(t => t.Value.Subscriptions.Select(s => Define(t.Key, s.Key, s.Value)))];
        _snapshot = Build([]);
    }

    /// <summary>Raised (outside any lock) after <see cref="ApplyRuntime"/> changed the set of subscriptions.</summary>
    public event Action? Changed;

    /// <summary>All topics with their subscriptions.</summary>
    public IReadOnlyCollection<TopicSpec> Topics => _snapshot.Topics.Values;

    /// <summary>All subscriptions with their webhook targets.</summary>
    public IReadOnlyCollection<SubscriptionDefinition> Subscriptions => _snapshot.Subscriptions.Values;

    /// <summary>The subscriptions made through the API, as last applied.</summary>
    public IReadOnlyCollection<SubscriptionDefinition> RuntimeSubscriptions => _snapshot.Runtime;

    /// <summary>True when a topic of that name is configured.</summary>
    public bool HasTopic(string topic) => _configuredTopics.ContainsKey(topic);

    /// <summary>The description of a configured topic, or null.</summary>
    public string? DescriptionOf(string topic) => _configuredTopics.GetValueOrDefault(topic)?.Description;

    /// <summary>Finds a subscription by topic and name.</summary>
    public SubscriptionDefinition? Find(SubscriptionAddress address) => _snapshot.Subscriptions.GetValueOrDefault(address);

    /// <summary>
    /// Replaces the runtime subscriptions with <paramref name="runtime"/>. Ones on unknown topics, or named like a configured
    /// subscription, are left out (configuration wins) and returned. Raises <see cref="Changed"/> when anything changed.
    /// </summary>
    public IReadOnlyList<SubscriptionDefinition> ApplyRuntime(IEnumerable<SubscriptionDefinition> runtime)
    {
        var (accepted, refused) = Sort(runtime);
        bool changed;
        lock (_sync)
        {
            changed = !IsCurrent(accepted);
            if (changed)
            {
                _snapshot = Build(accepted);
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }
        return refused;
    }

    /// <summary>Whether applying <paramref name="runtime"/> would change nothing: the same subscriptions at the same revisions.</summary>
    public bool IsCurrentFor(IEnumerable<SubscriptionDefinition> runtime) => IsCurrent(Sort(runtime).Accepted);

    /// <summary>Every topic with its subscriptions as they would be with <paramref name="runtime"/> applied (what to provision first).</summary>
    public IReadOnlyCollection<TopicSpec> TopicsWith(IEnumerable<SubscriptionDefinition> runtime) => Build(Sort(runtime).Accepted).Topics.Values;

    private (List<SubscriptionDefinition> Accepted, List<SubscriptionDefinition> Refused) Sort(IEnumerable<SubscriptionDefinition> runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var accepted = new List<SubscriptionDefinition>();
        var refused = new List<SubscriptionDefinition>();
        var configured = _configured.Select(c => c.Address).ToHashSet();
        foreach (var definition in runtime)
        {
            (HasTopic(definition.Address.Topic) && !configured.Contains(definition.Address) ? accepted : refused).Add(definition);
        }
        return (accepted, refused);
    }

    private bool IsCurrent(List<SubscriptionDefinition> accepted)
    {
        var snapshot = _snapshot;
        return snapshot.Runtime.Count == accepted.Count && accepted.All(d => d.IsSameRevision(snapshot.Subscriptions.GetValueOrDefault(d.Address)));
    }

    /// <summary>The runtime definition of one subscription from its settings (validated by <see cref="TopologyValidator"/>).</summary>
    public static SubscriptionDefinition Define(string topic, string name, SubscriptionOptions subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var address = new SubscriptionAddress(topic, name);
        var filter = EnvelopeFilter.From(subscription.Filter);
        var contract = subscription.Contract is { Type: { } type } required ? new ContractRequirement(type, required.MinVersion) : null;
        if (IsPull(subscription))
        {
            var spec = new SubscriptionSpec(address, filter, subscription.Pull.MaxDeliveries, subscription.LockDuration, subscription.Ordered);
            return new SubscriptionDefinition(spec, null) { Pull = new PullTarget(subscription.Pull.Owner), Contract = contract };
        }

        var webhook = subscription.Webhook;
        var maxAttempts = webhook.RetrySchedule.Count > 0 ? webhook.RetrySchedule.Count + 1 : webhook.MaxAttempts;
        return new SubscriptionDefinition(new SubscriptionSpec(address, filter, maxAttempts, subscription.LockDuration, subscription.Ordered), new WebhookTarget(
            new Uri(webhook.Url!, UriKind.Absolute), webhook.Secret!, webhook.Timeout, maxAttempts,
            webhook.Concurrency, webhook.RetryBaseDelay, webhook.MaxRetryDelay)
        {
            RetrySchedule = [.. webhook.RetrySchedule],
            Protection = EndpointProtection.From(webhook),
            Format = Webhooks.WebhookFormats.TryParse(webhook.Format, out var format) ? format : Webhooks.WebhookFormat.Structured,
            Projection = Webhooks.Projection.WebhookProjection.From(webhook.Projection),
            Batch = Webhooks.Batches.WebhookBatching.From(webhook.Batch),
            Credentials = Webhooks.Credentials.EndpointCredentials.From(webhook.Credentials),
        })
        {
            Contract = contract,
        };
    }

    /// <summary>Whether <paramref name="subscription"/> is read over HTTP rather than pushed to a webhook.</summary>
    public static bool IsPull(SubscriptionOptions subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return string.Equals(subscription.Delivery, SubscriptionDelivery.Pull, StringComparison.OrdinalIgnoreCase);
    }

    private Snapshot Build(IReadOnlyList<SubscriptionDefinition> runtime)
    {
        var subscriptions = _configured.Concat(runtime)
            .OrderBy(d => d.Address.Topic, StringComparer.Ordinal).ThenBy(d => d.Address.Subscription, StringComparer.Ordinal)
            .ToDictionary(d => d.Address);
        var topics = _configuredTopics.Keys.Order(StringComparer.Ordinal).ToDictionary(
            t => t,
            t => new TopicSpec(t, [.. subscriptions.Values.Where(s => s.Address.Topic == t).OrderBy(s => s.Address.Subscription, StringComparer.Ordinal).Select(s => s.Spec)]),
            StringComparer.Ordinal);
        return new Snapshot(topics, subscriptions, runtime);
    }

    private sealed record Snapshot(
        Dictionary<string, TopicSpec> Topics,
        Dictionary<SubscriptionAddress, SubscriptionDefinition> Subscriptions,
        IReadOnlyList<SubscriptionDefinition> Runtime);
}
