namespace Bridge.Topology;

/// <summary>
/// Topics and their subscriptions, bound from the <c>Bridge</c> configuration section:
/// <c>Bridge:Topics:{topic}:Subscriptions:{subscription}:…</c>.
/// </summary>
public sealed class TopologyOptions
{
    /// <summary>The configuration section the topology is bound from.</summary>
    public const string SectionName = "Bridge";

    /// <summary>Topics by name.</summary>
    public Dictionary<string, TopicOptions> Topics { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One topic: a named stream that publishers write to.</summary>
public sealed class TopicOptions
{
    /// <summary>What flows on this topic, for operators (optional).</summary>
    public string? Description { get; set; }

    /// <summary>Subscriptions of this topic by name.</summary>
    public Dictionary<string, SubscriptionOptions> Subscriptions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A subscription: a filter over a topic and the webhook its envelopes are delivered to.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>Which envelopes of the topic this subscription receives. Empty means all.</summary>
    public FilterOptions Filter { get; set; } = new();

    /// <summary>
    /// How envelopes leave the subscription: <c>push</c> (the default; a subscriber worker calls <see cref="Webhook"/>) or
    /// <c>pull</c> (clients receive and settle them over HTTP, see <see cref="Pull"/>; no webhook).
    /// </summary>
    public string Delivery { get; set; } = SubscriptionDelivery.Push;

    /// <summary>Where and how envelopes are delivered (push subscriptions).</summary>
    public WebhookOptions Webhook { get; set; } = new();

    /// <summary>Settings of a pull subscription.</summary>
    public PullOptions Pull { get; set; } = new();

    /// <summary>
    /// Keep per-ordering-key order across every subscriber process (envelopes sharing an ordering key are always delivered
    /// one at a time, in order, within a process). On RabbitMQ one process then consumes the subscription at a time and
    /// the others stand by to take over.
    /// </summary>
    public bool Ordered { get; set; }

    /// <summary>How long a delivery holds its lock before the envelope may be delivered again. Renewed while the webhook call runs.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Optional: envelopes of <see cref="ContractRequirementOptions.Type"/> must carry that contract at
    /// <see cref="ContractRequirementOptions.MinVersion"/> or later in their <c>dataschema</c>; others are dead-lettered.
    /// </summary>
    public ContractRequirementOptions? Contract { get; set; }
}

/// <summary>The two ways a subscription delivers (<see cref="SubscriptionOptions.Delivery"/>).</summary>
public static class SubscriptionDelivery
{
    /// <summary>A subscriber worker calls the subscription's webhook.</summary>
    public const string Push = "push";

    /// <summary>Clients receive envelopes under a lock over HTTP and complete, abandon or dead-letter them.</summary>
    public const string Pull = "pull";
}

/// <summary>
/// A pull subscription: clients that cannot expose a webhook (an on-premises agent, a polling recipe) receive its
/// envelopes over HTTP under a lock (<see cref="SubscriptionOptions.LockDuration"/>) and settle each one.
/// </summary>
public sealed class PullOptions
{
    /// <summary>Receives of one envelope (an abandon or an expired lock counts one) after which it is dead-lettered.</summary>
    public int MaxDeliveries { get; set; } = 10;

    /// <summary>
    /// The identity (publisher id) whose keys may receive and settle, given <c>subscribe:{topic}</c>; admins always may.
    /// Unset: admins only.
    /// </summary>
    public string? Owner { get; set; }
}

/// <summary>The contract version a subscription requires of the envelopes of one event type.</summary>
public sealed class ContractRequirementOptions
{
    /// <summary>The event type the requirement applies to, e.g. <c>order.created</c>.</summary>
    public string? Type { get; set; }

    /// <summary>The lowest contract version accepted (at least 1).</summary>
    public int MinVersion { get; set; } = 1;
}

/// <summary>Subscription filter. Every condition given must hold (AND); an empty filter matches everything.</summary>
public sealed class FilterOptions
{
    /// <summary>Event types accepted (exact match, any of). Empty: any type.</summary>
    public List<string> Types { get; set; } = [];

    /// <summary>Subject equality, or a prefix when it ends with <c>*</c>.</summary>
    public string? Subject { get; set; }

    /// <summary>Application properties that must be present with exactly these values.</summary>
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The webhook target of a subscription.</summary>
public sealed class WebhookOptions
{
    /// <summary>Absolute http(s) URL envelopes are POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>Standard Webhooks signing secret: <c>whsec_</c> followed by base64 of 24–64 random bytes.</summary>
    public string? Secret { get; set; }

    /// <summary>Time allowed for one attempt, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How calls carry the envelope: <c>structured</c> (default), <c>binary</c> or <c>data</c> (<see cref="Webhooks.WebhookFormat"/>).</summary>
    public string Format { get; set; } = "structured";

    /// <summary>Optional: the fields of the envelope's data calls carry — selected, renamed, flattened, with constants (<see cref="Webhooks.Projection.ProjectionOptions"/>).</summary>
    public Webhooks.Projection.ProjectionOptions? Projection { get; set; }

    /// <summary>Optional: several events per call as a CloudEvents batch — up to <c>MaxEvents</c>, gathered within <c>MaxWaitMilliseconds</c> (<see cref="Webhooks.Batches.BatchOptions"/>). Structured format only.</summary>
    public Webhooks.Batches.BatchOptions? Batch { get; set; }

    /// <summary>How calls authenticate to the endpoint beside the signature: static headers, HTTP Basic or OAuth 2.0 client credentials.</summary>
    public Webhooks.Credentials.CredentialOptions? Credentials { get; set; }

    /// <summary>
    /// Attempts before the envelope is dead-lettered. With the default <see cref="RetryBaseDelay"/> and
    /// <see cref="MaxRetryDelay"/>, the default 19 attempts span about a day for an endpoint that stays down (between
    /// 16.5 h and 33 h with the jitter, 25 h on average; docs/subscriptions.md shows the timeline).
    /// </summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>Deliveries of this subscription in flight at once (1 when the subscription is ordered by key and strict order across keys is wanted).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Delay before the second attempt; doubles with every further attempt (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = DefaultRetryBaseDelay;

    /// <summary>
    /// An explicit retry schedule instead of the doubling one: the delay before each further attempt, in order (e.g.
    /// <c>00:00:05</c>, <c>00:05:00</c>, <c>00:30:00</c>, <c>02:00:00</c>). When set, the envelope gets one attempt more than
    /// it has entries — <see cref="MaxAttempts"/> and <see cref="RetryBaseDelay"/> do not apply — and a receiver's
    /// <c>Retry-After</c> still wins within <see cref="MaxRetryDelay"/>.
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>Upper bound for any retry delay, including one asked for by a <c>Retry-After</c> header.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = DefaultMaxRetryDelay;

    /// <summary>The default of <see cref="MaxAttempts"/>: with the default delays, retries for about a day.</summary>
    public const int DefaultMaxAttempts = 19;

    /// <summary>The default of <see cref="RetryBaseDelay"/>: quick first retries for an endpoint that only hiccuped.</summary>
    public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromSeconds(2);

    /// <summary>The default of <see cref="MaxRetryDelay"/>: the doubling reaches it after about 9 hours, and a <c>Retry-After</c> of hours is honoured.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromHours(6);

    /// <summary>Most webhook calls started per second (optional; no limit when unset).</summary>
    public int? RateLimitPerSecond { get; set; }

    /// <summary>When calls stop for a while because the endpoint keeps failing.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>
    /// Failed calls in a row after which the endpoint is paused: its envelopes wait (they are not dead-lettered) until an
    /// operator resumes it or a probe succeeds. 0 never pauses automatically.
    /// </summary>
    public int PauseAfterConsecutiveFailures { get; set; } = 20;

    /// <summary>While paused automatically, how often one envelope is tried to see whether the endpoint is back.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The circuit breaker of a webhook endpoint, there for an endpoint that is down (nearly every call fails), not for one
/// that is flaky (retries handle those): when at least <see cref="FailureRatio"/> of the calls within
/// <see cref="SamplingDuration"/> fail (and there were <see cref="MinimumThroughput"/> calls), calls stop for
/// <see cref="BreakDuration"/>; then calls go one at a time, and <see cref="SuccessesToClose"/> successful ones close it.
/// Failures are transient ones (5xx, 408, 429, timeouts, connection errors); a 4xx refusal shows the endpoint is up.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>
    /// Share of failed calls that opens the circuit, above 0 and at most 1. At 0.9 over 20 calls an endpoint failing 40 %
    /// of its calls at random opens it with a chance of 5 in a million per window, one failing 95 % with 92 %.
    /// </summary>
    public double FailureRatio { get; set; } = 0.9;

    /// <summary>Calls within the sampling window before the ratio counts (at least 2).</summary>
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>The window the ratio is measured over (at least 00:00:00.5).</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long calls stop once the circuit opens (at least 00:00:00.5).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Successful calls after a break that close the circuit (1 to 1000). They need not come in a row and count across
    /// breaks: a failed call opens the circuit again only while failures still make up <see cref="FailureRatio"/> of the
    /// calls since the circuit opened.
    /// </summary>
    public int SuccessesToClose { get; set; } = 3;
}
