using System.Text.Json.Serialization;
using Bridge.Store.Subscriptions;
using Bridge.Topology;
using Bridge.Webhooks;
using Bridge.Webhooks.Projection;

namespace Bridge.Subscriptions;

/// <summary>Creates or replaces a webhook subscription (every field but <see cref="Url"/> optional).</summary>
/// <param name="Name">1-63 lower-case letters, digits, '.', '_' or '-'; generated when omitted on create, the route's on replace.</param>
/// <param name="Url">Where envelopes are POSTed: https (plain http only to loopback in development), no credentials.</param>
/// <param name="Description">What the subscription is for, at most 1000 characters.</param>
/// <param name="Filter">Which envelopes of the topic it receives; omitted: all.</param>
/// <param name="TimeoutSeconds">Seconds allowed for one attempt, above 0 and at most 300 (default 30).</param>
/// <param name="MaxAttempts">Attempts before an envelope is dead-lettered, 1-100 (default 8).</param>
/// <param name="Concurrency">Deliveries in flight at once, 1-512 (default 4).</param>
/// <param name="Ordered">Keep per-ordering-key order across every subscriber process (default false).</param>
/// <param name="Format">How calls carry the envelope: <c>structured</c> (default: the CloudEvent as JSON), <c>binary</c> (data as the body, attributes as <c>ce-</c> headers) or <c>data</c> (data only, attributes as <c>X-Event-*</c> headers).</param>
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
    /// (a separator that flattens nested objects), <c>constants</c> (output name → string). Omitted: all of it.
    /// </summary>
    public ProjectionOptions? Projection { get; init; }
}

/// <summary>A subscription filter; every condition given must hold.</summary>
/// <param name="Types">Event types accepted (any of); empty or omitted: any type.</param>
/// <param name="Subject">Subject equality, or a prefix when it ends with <c>*</c>.</param>
/// <param name="Properties">Application properties that must be present with exactly these values.</param>
public sealed record SubscriptionFilter(IReadOnlyList<string>? Types, string? Subject, IReadOnlyDictionary<string, string>? Properties);

/// <summary>Rotates a subscription's secret.</summary>
/// <param name="GracePeriodSeconds">How long calls also carry the old secret's signature (default <c>Bridge:Subscriptions:DefaultSecretGracePeriod</c>; 0 ends it at once).</param>
public sealed record RotateSecretRequest(double? GracePeriodSeconds);

/// <summary>A webhook subscription.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Name">Its name within the topic.</param>
/// <param name="Source"><c>api</c> (made through this API) or <c>configuration</c> (read-only here).</param>
/// <param name="Description">What it is for.</param>
/// <param name="Url">The webhook URL.</param>
/// <param name="Filter">Which envelopes it receives.</param>
/// <param name="TimeoutSeconds">Seconds allowed for one attempt.</param>
/// <param name="MaxAttempts">Attempts before an envelope is dead-lettered.</param>
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

    /// <summary>The signing secret (<c>whsec_…</c>): only in the answer to a create or a rotation, never again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    /// <summary>Dead letters waiting in its dead-letter queue: only in the overview, <c>GET /api/subscriptions</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DeadLetterCount { get; init; }

    /// <summary>What calls carry of the event's data (see the request's <c>projection</c>); absent: all of it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProjectionOptions? Projection { get; init; }

    /// <summary>Why a <c>failed</c> subscription is not delivered, and what to do about it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Problem { get; init; }

    /// <summary>A subscription whose secret cannot be decrypted: <c>failed</c>, with the reason.</summary>
    internal static SubscriptionResource Failed(SubscriptionRecord record, SubscriptionSettings settings) =>
        new(record.Topic, record.Name, "api", record.Description, new Uri(record.Url),
            new SubscriptionFilter(settings.Types, settings.Subject, settings.Properties),
            settings.TimeoutSeconds, settings.MaxAttempts, settings.Concurrency, settings.Ordered,
            settings.Format ?? WebhookFormat.Structured.Name(), "failed", record.CreatedAt, record.UpdatedAt, null)
        {
            Problem = UnreadableSecrets.Problem,
            Projection = settings.Projection,
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
