using System.Text.Json;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Replay.Audit;

namespace Bridge.Replay.DeadLetters;

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

/// <summary>Result of a replay request.</summary>
/// <param name="Replayed">How many dead letters went back into the subscription.</param>
/// <param name="MessageIds">Their ids, when replayed by id.</param>
public sealed record ReplayResult(int Replayed, IReadOnlyList<string> MessageIds);

/// <summary>Result of a purge.</summary>
/// <param name="Purged">How many dead letters were removed.</param>
public sealed record PurgeResult(int Purged);
