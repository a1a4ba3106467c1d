using Bridge.Envelopes;
using Bridge.Topology;

namespace Bridge.Messaging;

/// <summary>A transport capability: reading, resubmitting and purging a subscription's dead letters.</summary>
public interface IDeadLetterQueue
{
    /// <summary>Lists dead letters oldest first, after the given sequence number.</summary>
    Task<IReadOnlyList<DeadLetter>> ListAsync(SubscriptionAddress address, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Finds the dead letter of a message, or null.</summary>
    Task<DeadLetter?> GetAsync(SubscriptionAddress address, string messageId, CancellationToken cancellationToken);

    /// <summary>Moves the given dead letters back into the subscription as fresh deliveries (delivery count 0), in the order given, keeping each envelope's id. Returns the ids moved.</summary>
    Task<IReadOnlyList<string>> ResubmitAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);

    /// <summary>Removes the given dead letters for good, without replaying them. Returns the ids removed.</summary>
    Task<IReadOnlyList<string>> PurgeAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken);

    /// <summary>Counts the subscription's dead letters.</summary>
    Task<long> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken);
}

/// <summary>An envelope that could not be delivered, with the reason.</summary>
public sealed record DeadLetter(
    SubscriptionAddress Address,
    Envelope Envelope,
    long SequenceNumber,
    string Reason,
    string? Description,
    int DeliveryCount,
    DateTimeOffset EnqueuedTime,
    DateTimeOffset DeadLetteredTime);
