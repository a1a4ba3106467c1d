using System.Text.Json.Serialization;
using Bridge.Store.Subscriptions;
using Bridge.Topology;
using Bridge.Webhooks;
using Bridge.Webhooks.Batches;
using Bridge.Webhooks.Projection;

namespace Bridge.Subscriptions;

/// <summary>
/// Creates or replaces a subscription: a push one (a webhook; every field but <see cref="Url"/> optional) or, with
/// <see cref="Delivery"/> <c>pull</c>, a pull one (no webhook: <see cref="Url"/>, <see cref="TimeoutSeconds"/>,
/// <see cref="Concurrency"/>, <see cref="Format"/> and <see cref="Projection"/> must be left out).
/// </summary>
/// <param name="Name">1-63 lower-case letters, digits, '.', '_' or '-'; generated when omitted on create, the route's on replace.</param>
/// <param name="Url">Where envelopes are POSTed: https (plain http only to loopback in development), no credentials. Push only.</param>
/// <param name="Description">What the subscription is for, at most 1000 characters.</param>
/// <param name="Filter">Which envelopes of the topic it receives; omitted: all.</param>
/// <param name="TimeoutSeconds">Seconds allowed for one attempt, above 0 and at most 300 (default 30). Push only.</param>
/// <param name="MaxAttempts">Attempts (push, default 19: about a day of retries) or receives (pull, default 10) before an envelope is dead-lettered, 1-100.</param>
/// <param name="Concurrency">Deliveries in flight at once, 1-512 (default 4). Push only.</param>
/// <param name="Ordered">Keep per-ordering-key order across every subscriber process (default false).</param>
/// <param name="Format">How calls carry the envelope: <c>structured</c> (default: the CloudEvent as JSON), <c>binary</c> (data as the body, attributes as <c>ce-</c> headers) or <c>data</c> (data only, attributes as <c>X-Event-*</c> headers). Push only.</param>
public sealed record SubscriptionRequest(
    string? Name,
    string? Url,
    string? Description,
    SubscriptionFilter? Filter,
    double? TimeoutSeconds,
    int? MaxAttempts,
    int? Concurrency,
    bool? Ordered,
    string? Format = null)
{
    /// <summary>
    /// Optional: what calls carry of the event's data — <c>fields</c> (output name → JSON Pointer into data), <c>flatten</c>
    /// (a separator that flattens nested objects), <c>constants</c> (output name → string). Omitted: all of it. Push only.
    /// </summary>
    public ProjectionOptions? Projection { get; init; }

    /// <summary>
    /// An explicit retry schedule instead of the doubling one: the seconds before each further attempt, in order (at most
    /// 99 entries, each 0-86400), e.g. <c>[5, 300, 1800, 7200]</c>. The envelope then gets one attempt more than the
    /// schedule has entries, so leave <c>maxAttempts</c> out. Push only.
    /// </summary>
    public IReadOnlyList<double>? RetryScheduleSeconds { get; init; }

    /// <summary>
    /// Optional: several events per call, as a CloudEvents batch (<c>application/cloudevents-batch+json</c>, one signature)
    /// — up to <c>maxEvents</c> (2-1000), or what arrived within <c>maxWaitMilliseconds</c> (0-60000, below half the lock
    /// duration) of the first. Needs the <c>structured</c> format. Omitted: one event per call. Push only.
    /// </summary>
    public BatchOptions? Batch { get; init; }

    /// <summary>
    /// Credentials to the endpoint beside the signature: static <c>headers</c>, and <c>basic</c> or <c>oauth2</c>. Their
    /// secret values are stored encrypted and never returned. A replace sets them anew: left out or null, the subscription
    /// has none. Push only.
    /// </summary>
    public SubscriptionCredentialsRequest? Credentials { get; init; }

    /// <summary>
    /// <c>push</c> (default: a webhook is called) or <c>pull</c> (clients of the creating identity receive and settle its
    /// envelopes over <c>…/subscriptions/{name}/messages/receive</c>; no URL and no secret). It cannot change on replace.
    /// </summary>
    public string? Delivery { get; init; }

    /// <summary>
    /// Seconds a delivery (push) or a receive (pull) holds its lock before the envelope is offered again, 1-600
    /// (default 60). A push delivery renews it while the call runs; a pull client may renew it.
    /// </summary>
    public double? LockDurationSeconds { get; init; }
}

/// <summary>A subscription filter; every condition given must hold.</summary>
/// <param name="Types">Event types accepted (any of); empty or omitted: any type.</param>
/// <param name="Subject">Subject equality, or a prefix when it ends with <c>*</c>.</param>
/// <param name="Properties">Application properties that must be present with exactly these values.</param>
public sealed record SubscriptionFilter(IReadOnlyList<string>? Types, string? Subject, IReadOnlyDictionary<string, string>? Properties);

/// <summary>Rotates a subscription's secret.</summary>
/// <param name="GracePeriodSeconds">How long calls also carry the old secret's signature (default <c>Bridge:Subscriptions:DefaultSecretGracePeriod</c>; 0 ends it at once).</param>
public sealed record RotateSecretRequest(double? GracePeriodSeconds);

/// <summary>A subscription: push (a webhook) or pull (read over HTTP).</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Name">Its name within the topic.</param>
/// <param name="Source"><c>api</c> (made through this API) or <c>configuration</c> (read-only here).</param>
/// <param name="Description">What it is for.</param>
/// <param name="Url">The webhook URL (push only).</param>
/// <param name="Filter">Which envelopes it receives.</param>
/// <param name="TimeoutSeconds">Seconds allowed for one attempt.</param>
/// <param name="MaxAttempts">Attempts (push) or receives (pull) before an envelope is dead-lettered.</param>
/// <param name="Concurrency">Deliveries in flight at once.</param>
/// <param name="Ordered">Per-key order across every subscriber process.</param>
/// <param name="Format">How calls carry the envelope: <c>structured</c>, <c>binary</c> or <c>data</c>.</param>
/// <param name="Status"><c>active</c>, <c>paused</c>, or <c>failed</c> (its secret cannot be decrypted: see <see cref="Problem"/>);
/// absent from the overview of a process that does not deliver (a separate replay service), which cannot know.</param>
/// <param name="CreatedAt">When it was made (API-made ones).</param>
/// <param name="UpdatedAt">When it last changed (API-made ones).</param>
/// <param name="PreviousSecretExpiresAt">Until when calls also carry the signature of the secret before the last rotation.</param>
public sealed record SubscriptionResource(
    string Topic,
    string Name,
    string Source,
    string? Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Uri? Url,
    SubscriptionFilter Filter,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TimeoutSeconds,
    int MaxAttempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Concurrency,
    bool Ordered,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Format,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? PreviousSecretExpiresAt)
{
    /// <summary><c>push</c> (a webhook is called) or <c>pull</c> (clients receive over HTTP; no url, timeout, concurrency or format).</summary>
    public string Delivery { get; init; } = SubscriptionDelivery.Push;

    /// <summary>Seconds a delivery or a receive holds its lock before the envelope is offered again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LockDurationSeconds { get; init; }

    /// <summary>The signing secret (<c>whsec_…</c>) of a push subscription: only in the answer to a create or a rotation, never again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    /// <summary>Dead letters waiting in its dead-letter queue: only in the overview, <c>GET /api/subscriptions</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DeadLetterCount { get; init; }

    /// <summary>What waits, is out and was given up (pending, held, in flight, dead-lettered): only in the overview, <c>GET /api/subscriptions</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SubscriptionBacklogResource? Backlog { get; init; }

    /// <summary>What calls carry of the event's data (see the request's <c>projection</c>); absent: all of it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProjectionOptions? Projection { get; init; }

    /// <summary>The explicit retry schedule in seconds (see the request's <c>retryScheduleSeconds</c>); absent: the doubling one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<double>? RetryScheduleSeconds { get; init; }

    /// <summary>How calls batch events (see the request's <c>batch</c>); absent: one event per call.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BatchOptions? Batch { get; init; }

    /// <summary>What may be shown of its credentials to the endpoint (names, user name, OAuth client; never a secret value); absent: none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SubscriptionCredentials? Credentials { get; init; }

    /// <summary>Why a <c>failed</c> subscription is not delivered, and what to do about it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Problem { get; init; }

    /// <summary>A subscription whose secret or credentials cannot be decrypted: <c>failed</c>, with <paramref name="problem"/>.</summary>
    internal static SubscriptionResource Failed(SubscriptionRecord record, SubscriptionSettings settings, string problem) =>
        new(record.Topic, record.Name, "api", record.Description, new Uri(record.Url),
            new SubscriptionFilter(settings.Types, settings.Subject, settings.Properties),
            settings.TimeoutSeconds, settings.MaxAttempts, settings.Concurrency, settings.Ordered,
            settings.Format ?? WebhookFormat.Structured.Name(), "failed", record.CreatedAt, record.UpdatedAt, null)
        {
            Problem = problem,
            Projection = settings.Projection,
            Credentials = settings.Credentials,
            LockDurationSeconds = settings.LockDurationSeconds,
            RetryScheduleSeconds = settings.RetryScheduleSeconds,
            Batch = settings.Batch,
        };

    internal static SubscriptionResource From(SubscriptionDefinition definition, bool? paused, DateTimeOffset? createdAt = null, DateTimeOffset? updatedAt = null)
    {
        var filter = definition.Spec.Filter;
        var webhook = definition.Webhook;
        return new SubscriptionResource(
            definition.Address.Topic, definition.Address.Subscription,
            definition.SourceName,
            definition.Description, webhook?.Url,
            new SubscriptionFilter(filter.Types, filter.Subject, filter.Properties),
            webhook?.Timeout.TotalSeconds, definition.Spec.MaxDeliveryCount, webhook?.Concurrency, definition.Spec.Ordered, webhook?.Format.Name(),
            paused switch { true => "paused", false => "active", null => null }, createdAt, updatedAt, webhook?.PreviousSecret?.Until)
        {
            Delivery = webhook is null ? SubscriptionDelivery.Pull : SubscriptionDelivery.Push,
            Projection = webhook?.Projection?.Options,
            LockDurationSeconds = definition.Spec.LockDuration.TotalSeconds,
            RetryScheduleSeconds = webhook is { RetrySchedule.Count: > 0 } ? [.. webhook.RetrySchedule.Select(d => d.TotalSeconds)] : null,
            Batch = webhook?.Batch?.Options,
            Credentials = webhook is null ? null : SubscriptionCredentials.Of(webhook.Credentials),
        };
    }
}

/// <summary>Subscriptions: of one topic, or of every topic in the overview.</summary>
/// <param name="Items">Configured ones and API-made ones, by topic and name.</param>
public sealed record SubscriptionList(IReadOnlyList<SubscriptionResource> Items);

/// <summary>Pauses and resumes the delivery of subscriptions (provided by the subscriber).</summary>
public interface ISubscriptionPauses
{
    /// <summary>Whether deliveries to the subscription are paused.</summary>
    bool IsPaused(SubscriptionDefinition definition);

    /// <summary>Pauses deliveries: envelopes wait, none is dead-lettered; throws when the store cannot keep the pause.</summary>
    Task PauseAsync(SubscriptionDefinition definition, string by, string? reason);

    /// <summary>Resumes deliveries; throws when the store cannot keep it.</summary>
    Task ResumeAsync(SubscriptionDefinition definition, string by);
}
