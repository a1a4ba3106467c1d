using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bridge.Telemetry;

/// <summary>Bridge's own ActivitySource and Meter, and the instruments every service reports to.</summary>
public static class BridgeTelemetry
{
    /// <summary>Name of the ActivitySource and the Meter.</summary>
    public const string Name = "Bridge";

    /// <summary>Spans for publish, delivery and replay.</summary>
    public static readonly ActivitySource ActivitySource = new(Name, "1.0");

    /// <summary>Bridge's meter.</summary>
    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>
    /// Bucket boundaries in seconds for the duration histograms, from 1 ms to 60 s: webhook calls take milliseconds,
    /// deliveries after retries take seconds (the SDK's default boundaries, made for milliseconds, put both in one bucket).
    /// Declared before the histograms, which read it when created.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBoundaries =
        [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];

    private static readonly InstrumentAdvice<double> DurationAdvice = new() { HistogramBucketBoundaries = DurationBoundaries };

    /// <summary>Envelopes accepted by the publisher (tag: topic).</summary>
    public static readonly Counter<long> Published = Meter.CreateCounter<long>("bridge.envelopes.published", "{envelope}", "Envelopes accepted and stored by the publisher.");

    /// <summary>Envelopes accepted on a topic where no subscription's filter matched them (tag: topic).</summary>
    public static readonly Counter<long> Unrouted = Meter.CreateCounter<long>("bridge.envelopes.unrouted", "{envelope}", "Envelopes that matched no subscription of their topic.");

    /// <summary>Envelopes delivered with a 2xx answer (tags: topic, subscription).</summary>
    public static readonly Counter<long> Delivered = Meter.CreateCounter<long>("bridge.deliveries.delivered", "{envelope}", "Envelopes delivered to their webhook.");

    /// <summary>Attempts that failed (tags: topic, subscription, reason).</summary>
    public static readonly Counter<long> FailedAttempts = Meter.CreateCounter<long>("bridge.attempts.failed", "{attempt}", "Delivery attempts that did not succeed.");

    /// <summary>Envelopes dead-lettered (tags: topic, subscription, reason).</summary>
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("bridge.deliveries.dead_lettered", "{envelope}", "Envelopes moved to a dead-letter queue.");

    /// <summary>Envelopes replayed from dead letters (tags: topic, subscription).</summary>
    public static readonly Counter<long> Replayed = Meter.CreateCounter<long>("bridge.replay.envelopes", "{envelope}", "Dead letters sent back to their subscription.");

    /// <summary>Dead letters removed without replay (tags: topic, subscription).</summary>
    public static readonly Counter<long> Purged = Meter.CreateCounter<long>("bridge.dead_letters.purged", "{envelope}", "Dead letters purged without replay.");

    /// <summary>Audit rows the store's retention removed (tag: record — events, attempts, deliveries, dead_letters, replays).</summary>
    public static readonly Counter<long> Pruned = Meter.CreateCounter<long>("bridge.store.pruned", "{row}", "Audit rows removed from the store after their retention period.");

    /// <summary>Name of the observable gauge of dead letters waiting per subscription (tags: topic, subscription).</summary>
    public const string DeadLetterDepthName = "bridge.dead_letters.depth";

    /// <summary>Name of the observable gauge of envelopes waiting per subscription (tags: topic, subscription, state — pending or held).</summary>
    public const string SubscriptionBacklogName = "bridge.subscription.backlog";

    /// <summary>Name of the observable gauge of dead letters a running replay job has still to handle (tags: job, topic, subscription).</summary>
    public const string ReplayJobRemainingName = "bridge.replay.jobs.remaining";

    /// <summary>Redeliveries of envelopes already delivered, completed without a webhook call.</summary>
    public static readonly Counter<long> DedupeHits = Meter.CreateCounter<long>("bridge.dedupe.hits", "{envelope}", "Redeliveries completed without a webhook call because the envelope was already delivered.");

    /// <summary>Deliveries made without the dedupe store, because it could not be reached.</summary>
    public static readonly Counter<long> DedupeUnavailable = Meter.CreateCounter<long>("bridge.dedupe.unavailable", "{operation}", "Dedupe operations skipped because the dedupe store could not be reached; the delivery went on.");

    /// <summary>Times a webhook endpoint's circuit opened (tags: topic, subscription).</summary>
    public static readonly Counter<long> CircuitOpened = Meter.CreateCounter<long>("bridge.endpoint.circuit_opened", "{event}", "Times a webhook endpoint's circuit breaker opened.");

    /// <summary>Envelopes handed back to wait because their endpoint's circuit was open or the endpoint paused (tags: topic, subscription).</summary>
    public static readonly Counter<long> HeldForEndpoint = Meter.CreateCounter<long>("bridge.endpoint.held", "{envelope}", "Envelopes handed back to the broker without spending an attempt because their endpoint was open-circuited or paused.");

    /// <summary>API requests refused (tags: publisher, reason): what the alert rule kind <c>publishRefusals</c> counts.</summary>
    public static readonly Counter<long> RequestsRefused = Meter.CreateCounter<long>("bridge.requests.refused", "{request}",
        "API requests refused: authentication (401), authorization (403), contract (422), rate_limit (429); tagged publisher and reason.");

    /// <summary>Stored secrets the key ring could not decrypt (tag: purpose): a subscription not delivered, a signed call refused.</summary>
    public static readonly Counter<long> SecretUnreadable = Meter.CreateCounter<long>("bridge.secret.unreadable", "{secret}", "Stored webhook or HMAC secrets the Data Protection key ring could not decrypt.");

    /// <summary>Duration of one webhook attempt.</summary>
    public static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram("bridge.attempt.duration", "s", "Duration of one webhook delivery attempt.", tags: null, DurationAdvice);

    /// <summary>Time from acceptance by the publisher to a successful delivery.</summary>
    public static readonly Histogram<double> EndToEndLatency = Meter.CreateHistogram("bridge.delivery.latency", "s", "Time from publish to successful delivery.", tags: null, DurationAdvice);
}
