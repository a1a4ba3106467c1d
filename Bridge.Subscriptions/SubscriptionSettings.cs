using Bridge.Topology;

namespace Bridge.Subscriptions;

/// <summary>What a caller chooses for a subscription, kept as JSON in the store beside its URL and secret.</summary>
/// <param name="Types">Event types accepted (any of); empty accepts any.</param>
/// <param name="Subject">Subject equality, or a prefix when it ends with <c>*</c>.</param>
/// <param name="Properties">Application properties that must be present with these values.</param>
/// <param name="TimeoutSeconds">Seconds allowed for one attempt.</param>
/// <param name="MaxAttempts">Attempts before an envelope is dead-lettered.</param>
/// <param name="Concurrency">Deliveries in flight at once.</param>
/// <param name="Ordered">Per-key order across every subscriber process.</param>
/// <param name="Format">How calls carry the envelope (<see cref="Webhooks.WebhookFormats.Names"/>); null (rows written before formats existed) is the defaults' format.</param>
internal sealed record SubscriptionSettings(
    IReadOnlyList<string> Types,
    string? Subject,
    IReadOnlyDictionary<string, string> Properties,
    double TimeoutSeconds,
    int MaxAttempts,
    int Concurrency,
    bool Ordered,
    string? Format = null)
{
    /// <summary>What calls carry of the data; null (also rows written before projections existed) for all of it.</summary>
    public Webhooks.Projection.ProjectionOptions? Projection { get; init; }

    /// <summary>The full subscription options: <paramref name="defaults"/> with these settings, the URL and the secret laid over them.</summary>
    public SubscriptionOptions ToOptions(SubscriptionOptions defaults, string url, string secret)
    {
        var webhook = defaults.Webhook;
        return new SubscriptionOptions
        {
            Filter = new FilterOptions { Types = [.. Types], Subject = Subject, Properties = new Dictionary<string, string>(Properties, StringComparer.Ordinal) },
            Ordered = Ordered,
            LockDuration = defaults.LockDuration,
            Webhook = new WebhookOptions
            {
                Url = url,
                Secret = secret,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                Format = Format ?? webhook.Format,
                Projection = Projection,
                MaxAttempts = MaxAttempts,
                Concurrency = Concurrency,
                RetryBaseDelay = webhook.RetryBaseDelay,
                MaxRetryDelay = webhook.MaxRetryDelay,
                RateLimitPerSecond = webhook.RateLimitPerSecond,
                CircuitBreaker = webhook.CircuitBreaker,
                PauseAfterConsecutiveFailures = webhook.PauseAfterConsecutiveFailures,
                ProbeInterval = webhook.ProbeInterval,
            },
        };
    }
}
