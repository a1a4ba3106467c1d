using System.Text.Json;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Store.Attempts;

namespace Bridge.Replay;

/// <summary>A subscription as the operations API shows it.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Name">Its name within the topic.</param>
/// <param name="Types">Event types it accepts (empty: any).</param>
/// <param name="Subject">Subject equality or prefix (<c>*</c>), if any.</param>
/// <param name="Properties">Application properties it requires.</param>
/// <param name="WebhookUrl">Where it delivers.</param>
/// <param name="MaxAttempts">Attempts before a dead letter.</param>
/// <param name="Concurrency">Deliveries in flight at once.</param>
/// <param name="DeadLetterCount">Dead letters waiting.</param>
/// <param name="Source"><c>configuration</c>, or <c>api</c> when made through the subscriptions API.</param>
public sealed record SubscriptionView(
    string Topic,
    string Name,
    IReadOnlyList<string> Types,
    string? Subject,
    IReadOnlyDictionary<string, string> Properties,
    Uri WebhookUrl,
    int MaxAttempts,
    int Concurrency,
    long DeadLetterCount,
    string Source)
{
    /// <summary>Why it is not delivered (its secret cannot be decrypted with this deployment's key ring), or null.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Problem { get; init; }
}

/// <summary>A dead letter in a list.</summary>
public sealed record DeadLetterSummary(
    string MessageId,
    long SequenceNumber,
    string Type,
    string? Subject,
    string CorrelationId,
    string Reason,
    string? Description,
    int DeliveryCount,
    DateTimeOffset EnqueuedTime,
    DateTimeOffset DeadLetteredTime)
{
    internal static DeadLetterSummary From(DeadLetter d) => new(
        d.Envelope.Id, d.SequenceNumber, d.Envelope.Type, d.Envelope.Subject, d.Envelope.CorrelationId,
        d.Reason, d.Description, d.DeliveryCount, d.EnqueuedTime, d.DeadLetteredTime);
}

/// <summary>A page of dead letters; pass <see cref="Next"/> as <c>after</c> for the next page.</summary>
public sealed record DeadLetterPage(IReadOnlyList<DeadLetterSummary> Items, long? Next);

/// <summary>One dead letter with its envelope and every delivery attempt.</summary>
public sealed record DeadLetterDetail(DeadLetterSummary DeadLetter, JsonElement Envelope, IReadOnlyList<AttemptView> Attempts)
{
    internal static DeadLetterDetail From(DeadLetter d, IReadOnlyList<AttemptView> attempts)
    {
        using var document = JsonDocument.Parse(EnvelopeSerializer.Serialize(d.Envelope), new JsonDocumentOptions { MaxDepth = EnvelopeSerializer.MaxReadDepth });
        return new DeadLetterDetail(DeadLetterSummary.From(d), document.RootElement.Clone(), attempts);
    }
}

/// <summary>One delivery attempt.</summary>
public sealed record AttemptView(
    string Topic,
    string Subscription,
    string MessageId,
    string CorrelationId,
    int Attempt,
    DateTimeOffset StartedAt,
    double DurationMs,
    int? StatusCode,
    string Outcome,
    string? Error,
    string? ResponseExcerpt)
{
    internal static AttemptView From(DeliveryAttempt a) => new(
        a.Topic, a.Subscription, a.MessageId, a.CorrelationId, a.Attempt, a.StartedAt, a.DurationMs, a.StatusCode,
        a.Outcome.ToString(), a.Error, a.ResponseExcerpt);
}

/// <summary>Result of a replay request.</summary>
/// <param name="Replayed">How many dead letters went back into the subscription.</param>
/// <param name="MessageIds">Their ids, when replayed by id.</param>
public sealed record ReplayResult(int Replayed, IReadOnlyList<string> MessageIds);

/// <summary>Result of a purge.</summary>
/// <param name="Purged">How many dead letters were removed.</param>
public sealed record PurgeResult(int Purged);
