using Bridge.Envelopes;

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

/// <summary>Where a subscription was defined.</summary>
public enum SubscriptionSource
{
    /// <summary>In configuration (<c>Bridge:Topics:{topic}:Subscriptions:{name}</c>); changed by changing the configuration.</summary>
    Configuration,

    /// <summary>Through the subscriptions API at run time; kept in the store.</summary>
    Api,
}

/// <summary>
/// A subscription with its webhook target (what a subscriber worker runs), or, for a pull subscription, with no webhook
/// and its <see cref="Pull"/> settings.
/// </summary>
public sealed record SubscriptionDefinition(SubscriptionSpec Spec, WebhookTarget? Webhook)
{
    /// <summary>Set for a pull subscription (then <see cref="Webhook"/> is null): clients receive its envelopes over HTTP.</summary>
    public PullTarget? Pull { get; init; }

    /// <summary>The webhook of a push subscription, for code that only runs push subscriptions (it throws for a pull one).</summary>
    public WebhookTarget PushTarget => Webhook ?? throw new InvalidOperationException($"{Address} is a pull subscription: it has no webhook.");

    /// <summary>Topic and subscription name.</summary>
    public SubscriptionAddress Address => Spec.Address;

    /// <summary>Where the subscription was defined.</summary>
    public SubscriptionSource Source { get; init; } = SubscriptionSource.Configuration;

    /// <summary>Which revision of an API-made subscription this is (grows with every change); 0 for configured ones.</summary>
    public long Revision { get; init; }

    /// <summary>What the subscription is for, for people (optional).</summary>
    public string? Description { get; init; }

    /// <summary><c>api</c> or <c>configuration</c>: the source as the API shows it.</summary>
    public string SourceName => Source == SubscriptionSource.Api ? "api" : "configuration";

    /// <summary>True when <paramref name="other"/> is this very revision of this subscription (a change makes a new revision).</summary>
    public bool IsSameRevision(SubscriptionDefinition? other) =>
        other is not null && other.Address == Address && other.Source == Source && other.Revision == Revision;

    /// <summary>The contract version envelopes of one type must carry, or null when the subscription requires none.</summary>
    public ContractRequirement? Contract { get; init; }
}

/// <summary>Envelopes of <paramref name="Type"/> must carry its contract at <paramref name="MinVersion"/> or later.</summary>
/// <param name="Type">The event type the requirement applies to.</param>
/// <param name="MinVersion">The lowest contract version accepted.</param>
public sealed record ContractRequirement(string Type, int MinVersion)
{
    /// <summary>
    /// Why <paramref name="envelope"/> fails the requirement, or null when it meets it (or is of another type): its
    /// <c>dataschema</c> must be this type's contract URI at <see cref="MinVersion"/> or later.
    /// </summary>
    public string? Mismatch(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Type != Type)
        {
            return null;
        }

        var found = ContractUri.TryParse(envelope.DataSchema, out var type, out var version) && type == Type ? version : (int?)null;
        return found >= MinVersion
            ? null
            : $"The subscription requires contract {ContractUri.Format(Type, MinVersion)} or later; the envelope carries "
                + (found is { } v ? $"version {v}" : envelope.DataSchema is { } other ? $"dataschema '{other}'" : "no contract") + ".";
    }
}

/// <summary>Resolved settings of a pull subscription.</summary>
/// <param name="Owner">The identity whose keys may receive and settle besides admins, or null for admins only.</param>
public sealed record PullTarget(string? Owner);

/// <summary>Resolved webhook settings of a subscription.</summary>
public sealed record WebhookTarget(
    Uri Url,
    string Secret,
    TimeSpan Timeout,
    int MaxAttempts,
    int Concurrency,
    TimeSpan RetryBaseDelay,
    TimeSpan MaxRetryDelay)
{
    /// <summary>Circuit breaker, automatic pause and rate limit of the endpoint.</summary>
    public EndpointProtection Protection { get; init; } = EndpointProtection.Default;

    /// <summary>The explicit retry schedule (the delay before attempt 2, 3, …), or empty for the doubling one from <see cref="RetryBaseDelay"/>.</summary>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; init; } = [];

    /// <summary>How calls carry the envelope.</summary>
    public Webhooks.WebhookFormat Format { get; init; } = Webhooks.WebhookFormat.Structured;

    /// <summary>What calls carry of the envelope's data, or null for all of it.</summary>
    public Webhooks.Projection.WebhookProjection? Projection { get; init; }

    /// <summary>How many events one call carries and how long it waits for them, or null for one event per call.</summary>
    public Webhooks.Batches.WebhookBatching? Batch { get; init; }

    /// <summary>How calls authenticate to the endpoint, beside the signature.</summary>
    public Webhooks.Credentials.EndpointCredentials Credentials { get; init; } = Webhooks.Credentials.EndpointCredentials.None;

    /// <summary>The secret before the last rotation and until when calls are signed with it too, or null.</summary>
    public RetiringSecret? PreviousSecret { get; init; }

    /// <summary>The secrets a call made at <paramref name="now"/> is signed with: the current one, and the previous one while it retires.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is { } previous && previous.Until > now ? [Secret, previous.Secret] : [Secret];
}

/// <summary>A rotated-out webhook secret that still signs calls until <paramref name="Until"/>.</summary>
/// <param name="Secret">The old <c>whsec_</c> secret.</param>
/// <param name="Until">When calls stop carrying its signature.</param>
public sealed record RetiringSecret(string Secret, DateTimeOffset Until);

/// <summary>Resolved protection settings of a webhook endpoint (see <see cref="WebhookOptions"/>).</summary>
/// <param name="FailureRatio">Share of failed calls within the sampling window that opens the circuit.</param>
/// <param name="MinimumThroughput">Calls within the window before the ratio counts.</param>
/// <param name="SamplingDuration">The window the ratio is measured over.</param>
/// <param name="BreakDuration">How long calls stop once the circuit opens.</param>
/// <param name="PauseAfterConsecutiveFailures">Failed calls in a row that pause the endpoint; 0 never pauses.</param>
/// <param name="ProbeInterval">While paused automatically, how often one envelope probes the endpoint.</param>
/// <param name="RateLimitPerSecond">Most calls started per second, or null for no limit.</param>
public sealed record EndpointProtection(
    double FailureRatio,
    int MinimumThroughput,
    TimeSpan SamplingDuration,
    TimeSpan BreakDuration,
    int PauseAfterConsecutiveFailures,
    TimeSpan ProbeInterval,
    int? RateLimitPerSecond)
{
    /// <summary>Successful calls after a break that close the circuit.</summary>
    public int SuccessesToClose { get; init; } = 3;

    /// <summary>The defaults of <see cref="WebhookOptions"/>.</summary>
    public static EndpointProtection Default { get; } = From(new WebhookOptions());

    /// <summary>Resolves the settings of one webhook.</summary>
    public static EndpointProtection From(WebhookOptions webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var breaker = webhook.CircuitBreaker;
        return new EndpointProtection(
            breaker.FailureRatio, breaker.MinimumThroughput, breaker.SamplingDuration, breaker.BreakDuration,
            webhook.PauseAfterConsecutiveFailures, webhook.ProbeInterval, webhook.RateLimitPerSecond)
        {
            SuccessesToClose = breaker.SuccessesToClose,
        };
    }
}
