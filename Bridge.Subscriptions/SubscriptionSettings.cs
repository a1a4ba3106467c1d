using System.Text.Json.Serialization;
using Bridge.Topology;
using Bridge.Webhooks.Credentials;

namespace Bridge.Subscriptions;

/// <summary>
/// What a caller chooses for a subscription, kept as JSON in the store beside its URL and secret (a pull subscription has
/// neither). Rows written before a field existed read as its default: no <see cref="Delivery"/> is push.
/// </summary>
/// <param name="Types">Event types accepted (any of); empty accepts any.</param>
/// <param name="Subject">Subject equality, or a prefix when it ends with <c>*</c>.</param>
/// <param name="Properties">Application properties that must be present with these values.</param>
/// <param name="TimeoutSeconds">Seconds allowed for one attempt; null for a pull subscription.</param>
/// <param name="MaxAttempts">Attempts (push) or receives (pull) before an envelope is dead-lettered.</param>
/// <param name="Concurrency">Deliveries in flight at once; null for a pull subscription.</param>
/// <param name="Ordered">Per-key order across every subscriber process.</param>
/// <param name="Format">How calls carry the envelope (<see cref="Webhooks.WebhookFormats.Names"/>); null (rows written before formats existed) is the defaults' format.</param>
internal sealed record SubscriptionSettings(
    IReadOnlyList<string> Types,
    string? Subject,
    IReadOnlyDictionary<string, string> Properties,
    double? TimeoutSeconds,
    int MaxAttempts,
    int? Concurrency,
    bool Ordered,
    string? Format = null)
{
    /// <summary>What calls carry of the data; null (also rows written before projections existed) for all of it.</summary>
    public Webhooks.Projection.ProjectionOptions? Projection { get; init; }

    /// <summary><see cref="SubscriptionDelivery.Pull"/>, or null (also rows written before pull subscriptions existed) for push.</summary>
    public string? Delivery { get; init; }

    /// <summary>The explicit retry schedule in seconds; null (also older rows) for the doubling one.</summary>
    public IReadOnlyList<double>? RetryScheduleSeconds { get; init; }

    /// <summary>How calls batch events; null (also older rows) for one event per call.</summary>
    public Webhooks.Batches.BatchOptions? Batch { get; init; }

    /// <summary>Seconds a delivery or a receive holds its lock; null (also older rows) for the defaults' lock duration.</summary>
    public double? LockDurationSeconds { get; init; }

    /// <summary>
    /// What is not secret about its credentials to the endpoint (header names, Basic user name, OAuth client); the secret
    /// values are encrypted beside the settings. Null (also older rows) for none.
    /// </summary>
    public SubscriptionCredentials? Credentials { get; init; }

    /// <summary>Whether clients receive its envelopes over HTTP (no webhook, no secret).</summary>
    [JsonIgnore]
    public bool IsPull => Delivery == SubscriptionDelivery.Pull;

    /// <summary><c>push</c> or <c>pull</c>, as the API names it.</summary>
    [JsonIgnore]
    public string DeliveryName => IsPull ? SubscriptionDelivery.Pull : SubscriptionDelivery.Push;

    /// <summary>
    /// The full subscription options: <paramref name="defaults"/> with these settings laid over them, and the URL and the
    /// secret (and the decrypted <paramref name="credentials"/>, if any) of a push subscription, or the owner who may
    /// receive from a pull one.
    /// </summary>
    public SubscriptionOptions ToOptions(SubscriptionOptions defaults, string? url, string? secret, string? owner, CredentialOptions? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var options = new SubscriptionOptions
        {
            Filter = new FilterOptions { Types = [.. Types], Subject = Subject, Properties = new Dictionary<string, string>(Properties, StringComparer.Ordinal) },
            Ordered = Ordered,
            LockDuration = LockDurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.LockDuration,
        };
        if (IsPull)
        {
            options.Delivery = SubscriptionDelivery.Pull;
            options.Pull = new PullOptions { MaxDeliveries = MaxAttempts, Owner = owner };
            return options;
        }

        var webhook = defaults.Webhook;
        options.Webhook = new WebhookOptions
        {
            Url = url,
            Secret = secret,
            Timeout = TimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : webhook.Timeout,
            Format = Format ?? webhook.Format,
            Projection = Projection,
            Batch = Batch,
            MaxAttempts = MaxAttempts,
            RetrySchedule = RetryScheduleSeconds is { } schedule ? [.. schedule.Select(TimeSpan.FromSeconds)] : [],
            Concurrency = Concurrency ?? webhook.Concurrency,
            RetryBaseDelay = webhook.RetryBaseDelay,
            MaxRetryDelay = webhook.MaxRetryDelay,
            RateLimitPerSecond = webhook.RateLimitPerSecond,
            CircuitBreaker = webhook.CircuitBreaker,
            PauseAfterConsecutiveFailures = webhook.PauseAfterConsecutiveFailures,
            ProbeInterval = webhook.ProbeInterval,
            Credentials = credentials,
        };
        return options;
    }

    /// <summary>
    /// How long an attempt may still run after the subscription is deleted: the webhook timeout of a push subscription;
    /// none for a pull one (its receivers close, and its locks lapse, once it leaves the catalog).
    /// </summary>
    public TimeSpan InFlightLimit(SubscriptionOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return IsPull ? TimeSpan.Zero : TimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : defaults.Webhook.Timeout;
    }
}
