using Bridge.Chaos.Faults;

namespace Bridge.Chaos.Reporting;

/// <summary>Everything the report states, all measured by the run.</summary>
internal sealed record ChaosResult
{
    public required ChaosOptions Options { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string Commit { get; init; }

    /// <summary>Events started (fewer than the target when the time bound stopped the load).</summary>
    public required int Started { get; init; }

    public required int Accepted { get; init; }

    public required int Delivered { get; init; }

    /// <summary>Distinct message ids dead-lettered, by reason (from the store).</summary>
    public required IReadOnlyDictionary<string, int> DeadLettered { get; init; }

    /// <summary>Messages in the broker's dead-letter queue (counted there, not in the store).</summary>
    public required int InDeadLetterQueue { get; init; }

    /// <summary>Message ids in the broker's dead-letter queue that the store has no dead letter for.</summary>
    public required IReadOnlyList<string> UnrecordedDeadLetters { get; init; }

    /// <summary>Accepted message ids neither delivered nor dead-lettered (in the store or the broker's dead-letter queue).</summary>
    public required IReadOnlyList<string> Lost { get; init; }

    /// <summary>Dead-lettered message ids the receiver had acknowledged anyway, each with its reason and when it was acknowledged.</summary>
    public required IReadOnlyList<string> DeadLetteredAfterDelivery { get; init; }

    /// <summary>Acknowledged webhook-ids that no 202 of the load named.</summary>
    public required int DeliveredNotAccepted { get; init; }

    public required long DuplicateDeliveries { get; init; }

    public required IReadOnlyCollection<string> DuplicateEffects { get; init; }

    public required IReadOnlyCollection<string> Rejected { get; init; }

    public required long Calls { get; init; }

    public required long ServerErrors { get; init; }

    public required long TooManyRequests { get; init; }

    public required long Slow { get; init; }

    public required IReadOnlyDictionary<string, int> PublishRetries { get; init; }

    public required TimeSpan PublishDuration { get; init; }

    public required TimeSpan Wall { get; init; }

    public required bool Drained { get; init; }

    public required IReadOnlyList<FaultRecord> Faults { get; init; }

    public required IReadOnlyList<int> AcceptedPerSecond { get; init; }

    public required IReadOnlyList<int> DeliveredPerSecond { get; init; }
}
