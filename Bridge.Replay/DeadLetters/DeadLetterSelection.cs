using System.Text.Json;
using Bridge.Messaging;

namespace Bridge.Replay.DeadLetters;

/// <summary>
/// Which dead letters of a subscription an operation takes: any of <see cref="Reasons"/>, any of <see cref="Types"/>,
/// dead-lettered within [<see cref="From"/>, <see cref="To"/>], any of <see cref="MessageIds"/> — each criterion only
/// when given — and at most <see cref="Limit"/> of them. Stored with a replay job as JSON.
/// </summary>
public sealed record DeadLetterSelection
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Dead-letter reasons to take (any of them); every reason when empty.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>CloudEvent types to take (any of them); every type when empty.</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Only dead letters dead-lettered at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only dead letters dead-lettered at or before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only these envelopes; any when empty.</summary>
    public IReadOnlyList<string> MessageIds { get; init; } = [];

    /// <summary>Most dead letters to take, oldest first; no limit when null.</summary>
    public int? Limit { get; init; }

    /// <summary>True when no criterion is set: every dead letter matches.</summary>
    public bool IsEmpty => Reasons.Count == 0 && Types.Count == 0 && From is null && To is null && MessageIds.Count == 0;

    /// <summary>True when the dead letter meets every criterion (the limit aside).</summary>
    public bool Matches(DeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return (Reasons.Count == 0 || Reasons.Contains(deadLetter.Reason, StringComparer.Ordinal))
            && (Types.Count == 0 || Types.Contains(deadLetter.Envelope.Type, StringComparer.Ordinal))
            && (From is not { } from || deadLetter.DeadLetteredTime >= from)
            && (To is not { } to || deadLetter.DeadLetteredTime <= to)
            && (MessageIds.Count == 0 || MessageIds.Contains(deadLetter.Envelope.Id, StringComparer.Ordinal));
    }

    /// <summary>The same selection, limited to dead letters dead-lettered at or before <paramref name="cutoff"/>.</summary>
    public DeadLetterSelection Until(DateTimeOffset cutoff) => this with { To = To is { } to && to < cutoff ? to : cutoff };

    /// <summary>The selection as stored with a replay job.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored selection; null or empty JSON selects everything.</summary>
    public static DeadLetterSelection FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new DeadLetterSelection() : JsonSerializer.Deserialize<DeadLetterSelection>(json, Json) ?? new DeadLetterSelection();
}
