using Bridge.Envelopes;
using Bridge.Topology;

namespace Bridge.Messaging;

/// <summary>
/// Told of every dead-lettering a transport decides on its own — a delivery count over the maximum after crashes or
/// expired locks, an envelope it cannot read — so those are logged, counted and recorded like the ones delivery
/// decides. Dead-letterings asked for through <see cref="ISubscriptionReceiver.DeadLetterAsync"/> are not reported
/// here: the caller records them. Implementations must be quick and must not throw.
/// </summary>
public interface IDeadLetterObserver
{
    /// <summary>The transport moved a message of <see cref="TransportDeadLetter.Subscription"/> to its dead-letter queue.</summary>
    void DeadLettered(TransportDeadLetter deadLetter);
}

/// <summary>A dead-lettering a transport decided on its own.</summary>
/// <param name="Subscription">The subscription.</param>
/// <param name="MessageId">The envelope's id, or the broker's id of a message it could not read.</param>
/// <param name="Envelope">The envelope, when it could be read.</param>
/// <param name="DeliveryCount">Deliveries it had.</param>
/// <param name="Reason">The reason, e.g. <c>MaxDeliveryCountExceeded</c> or <c>UnreadableEnvelope</c>.</param>
/// <param name="Description">What happened, in words.</param>
public sealed record TransportDeadLetter(SubscriptionAddress Subscription, string MessageId, Envelope? Envelope, int DeliveryCount, string Reason, string? Description);

/// <summary>Tells every registered <see cref="IDeadLetterObserver"/>; an observer that throws never fails the transport.</summary>
public sealed class DeadLetterObservers(IEnumerable<IDeadLetterObserver> observers)
{
    private readonly IDeadLetterObserver[] _observers = [.. observers];

    /// <summary>Reports <paramref name="deadLetter"/> to every observer.</summary>
    public void Report(TransportDeadLetter deadLetter)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.DeadLettered(deadLetter);
            }
#pragma warning disable CA1031 // An observer's failure must never undo or block the dead-lettering itself.
            catch (Exception)
#pragma warning restore CA1031
            {
                // The message is safely in the dead-letter queue either way.
            }
        }
    }
}
