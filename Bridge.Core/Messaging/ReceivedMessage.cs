using Bridge.Envelopes;

namespace Bridge.Messaging;

/// <summary>A message received under a lock.</summary>
/// <param name="Envelope">The envelope.</param>
/// <param name="DeliveryCount">1 on first delivery; grows with every abandon or lock expiry.</param>
/// <param name="EnqueuedTime">When the message entered the subscription.</param>
/// <param name="SequenceNumber">Broker-assigned order within the subscription.</param>
/// <param name="LockToken">Identifies this delivery's lock.</param>
/// <param name="LockedUntil">When the lock expires unless renewed.</param>
public sealed record ReceivedMessage(
    Envelope Envelope,
    int DeliveryCount,
    DateTimeOffset EnqueuedTime,
    long SequenceNumber,
    string LockToken,
    DateTimeOffset LockedUntil)
{
    /// <summary>
    /// The envelope exactly as the broker stored it (<see cref="EnvelopeSerializer"/>'s structured CloudEvents JSON),
    /// when the transport has it: sent as is, it spares serialising the envelope again. Empty when unknown.
    /// </summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The envelope as structured CloudEvents JSON: the stored bytes when known, else serialised now.</summary>
    public ReadOnlyMemory<byte> SerializedEnvelope() => Body.IsEmpty ? EnvelopeSerializer.Serialize(Envelope) : Body;
}
