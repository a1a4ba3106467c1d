using Bridge.Topology;

namespace Bridge.Messaging;

/// <summary>
/// Receives envelopes of one subscription with peek-lock semantics: a received message is locked to this receiver
/// until it is completed, abandoned or dead-lettered, or until its lock expires and it is delivered again
/// with <see cref="ReceivedMessage.DeliveryCount"/> + 1.
/// </summary>
public interface ISubscriptionReceiver : IAsyncDisposable
{
    /// <summary>The subscription this receiver reads.</summary>
    SubscriptionAddress Address { get; }

    /// <summary>Waits up to <paramref name="maxWait"/> for at least one message and returns up to <paramref name="maxMessages"/>.</summary>
    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Removes the message: it was handled.</summary>
    /// <exception cref="MessageLockLostException">The lock expired and another receiver took the message.</exception>
    Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>Releases the lock; the message is delivered again after <paramref name="delay"/>, or dead-lettered when it reached the subscription's max delivery count.</summary>
    Task AbandonAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>
    /// Hands the message back without spending a delivery (its count stays as it was), to be offered again after
    /// <paramref name="delay"/> (at once for zero). With an ordering key, its successors keep waiting behind it.
    /// </summary>
    Task ReleaseAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Moves the message to the subscription's dead-letter queue with a reason.</summary>
    Task DeadLetterAsync(ReceivedMessage message, string reason, string? description, CancellationToken cancellationToken);

    /// <summary>Extends the lock by the subscription's lock duration and returns the new expiry.</summary>
    Task<DateTimeOffset> RenewLockAsync(ReceivedMessage message, CancellationToken cancellationToken);
}

/// <summary>Creates receivers for subscriptions.</summary>
public interface ISubscriptionReceiverFactory
{
    /// <summary>Creates a receiver for a provisioned subscription.</summary>
    ISubscriptionReceiver CreateReceiver(SubscriptionAddress address);
}
