namespace Bridge.Topology;

/// <summary>Identifies a subscription: its topic and its name within the topic.</summary>
public readonly record struct SubscriptionAddress(string Topic, string Subscription)
{
    /// <inheritdoc />
    public override string ToString() => $"{Topic}/{Subscription}";
}

/// <summary>What a broker needs to know about a subscription.</summary>
/// <param name="Address">Topic and subscription name.</param>
/// <param name="Filter">Which envelopes of the topic it receives.</param>
/// <param name="MaxDeliveryCount">Deliveries after which the broker dead-letters an envelope.</param>
/// <param name="LockDuration">How long a received envelope stays locked to its receiver.</param>
/// <param name="Ordered">
/// Strict per-key order across every process consuming the subscription. Transports whose receivers in different
/// processes compete (RabbitMQ) then let one process consume at a time, the others standing by.
/// </param>
public sealed record SubscriptionSpec(SubscriptionAddress Address, EnvelopeFilter Filter, int MaxDeliveryCount, TimeSpan LockDuration, bool Ordered = false);

/// <summary>A topic and its subscriptions, as provisioned on a broker.</summary>
public sealed record TopicSpec(string Name, IReadOnlyList<SubscriptionSpec> Subscriptions);

/// <summary>A subscription with its webhook target: what a subscriber worker runs.</summary>
public sealed record SubscriptionDefinition(SubscriptionSpec Spec, WebhookTarget Webhook)
{
    /// <summary>Topic and subscription name.</summary>
    public SubscriptionAddress Address => Spec.Address;
}

/// <summary>Resolved webhook settings of a subscription.</summary>
public sealed record WebhookTarget(
    Uri Url,
    string Secret,
    TimeSpan Timeout,
    int MaxAttempts,
    int Concurrency,
    TimeSpan RetryBaseDelay,
    TimeSpan MaxRetryDelay);
