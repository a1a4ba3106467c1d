using Azure.Messaging.ServiceBus;
using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// Receives a subscription session by session: it accepts a session (an ordering key, or one unkeyed envelope),
/// hands out only its head and takes the next one once the head is settled, so an ordering key's envelopes go one at
/// a time in order across every process. A message's lock is its session's lock. Retries that wait (an abandon or
/// release with a delay) defer the head and keep the session locked until it is due, its successors behind it.
/// </summary>
internal sealed partial class AzureServiceBusReceiver(
    ServiceBusConnection connection,
    SubscriptionAddress address,
    AzureServiceBusTransportOptions options,
    DeliveryLimits limits,
    DeadLetterObservers observers,
    TimeProvider time,
    ILogger logger) : ISubscriptionReceiver
{
    /// <summary>The reason a message that reached the subscription's maximum deliveries is dead-lettered with (the broker's own).</summary>
    internal const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";

    private readonly Lock _sync = new();
    private readonly SemaphoreSlim _receiving = new(1, 1);
    private readonly Dictionary<string, HeldSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Delivery> _deliveries = new(StringComparer.Ordinal);

    public SubscriptionAddress Address => address;

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        await _receiving.WaitAsync(cancellationToken);
        try
        {
            var limit = await limits.MaxDeliveryCountAsync(address, cancellationToken);
            var received = new List<ReceivedMessage>();
            var deadline = time.GetUtcNow() + maxWait;
            while (true)
            {
                foreach (var held in Snapshot())
                {
                    if (received.Count >= maxMessages)
                    {
                        break;
                    }

                    await VisitAsync(held, received, limit, cancellationToken);
                }

                var now = time.GetUtcNow();
                if (received.Count >= maxMessages || (received.Count > 0 && now >= deadline))
                {
                    break;
                }

                var wait = received.Count > 0 ? options.SessionIdleWait : Min(deadline - now, NextDue(now) - now);
                if (wait <= TimeSpan.Zero)
                {
                    if (now >= deadline)
                    {
                        break;
                    }

                    continue;
                }

                var session = await AcceptAsync(wait, cancellationToken);
                if (session is not null)
                {
                    await AdoptAsync(session, received, limit, cancellationToken);
                }
                else if (received.Count > 0)
                {
                    break;
                }
            }

            return received;
        }
        finally
        {
            _receiving.Release();
        }
    }

    public async Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var delivery = Find(message);
        await GuardAsync(delivery, message, () => delivery.Session.Receiver.CompleteMessageAsync(delivery.Message, cancellationToken));
        await SettledAsync(delivery, message, cancellationToken);
    }

    public Task AbandonAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        HandBackAsync(message, message.DeliveryCount + 1, delay, cancellationToken);

    public Task ReleaseAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        HandBackAsync(message, message.DeliveryCount, delay, cancellationToken);

    public async Task DeadLetterAsync(ReceivedMessage message, string reason, string? description, CancellationToken cancellationToken)
    {
        var delivery = Find(message);
        await GuardAsync(delivery, message, () => delivery.Session.Receiver.DeadLetterMessageAsync(
            delivery.Message, ServiceBusEnvelopes.DeadLetterStamp(time.GetUtcNow(), message.DeliveryCount), reason, description, cancellationToken));
        await SettledAsync(delivery, message, cancellationToken);
    }

    public async Task<DateTimeOffset> RenewLockAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        var delivery = Find(message);
        await GuardAsync(delivery, message, () => delivery.Session.Receiver.RenewSessionLockAsync(cancellationToken));
        return delivery.Session.Receiver.SessionLockedUntil;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var held in Snapshot())
        {
            await CloseAsync(held);
        }

        _receiving.Dispose();
    }

    /// <summary>
    /// Hands the head back: the session state first records the count its next delivery has (and, with a delay,
    /// that it is deferred until when), then the message is deferred or abandoned. Written in this order, a failure
    /// in between never leaves a deferred message the state does not point to.
    /// </summary>
    private async Task HandBackAsync(ReceivedMessage message, int nextCount, TimeSpan delay, CancellationToken cancellationToken)
    {
        var delivery = Find(message);
        var wait = delay > TimeSpan.Zero;
        var due = time.GetUtcNow() + delay;
        var head = new SessionHead(
            delivery.Message.SequenceNumber, wait, wait ? due.ToUnixTimeMilliseconds() : null, nextCount, delivery.Message.DeliveryCount);
        await GuardAsync(delivery, message, async () =>
        {
            await delivery.Session.Receiver.SetSessionStateAsync(head.ToBinary(), cancellationToken);
            if (wait)
            {
                await delivery.Session.Receiver.DeferMessageAsync(delivery.Message, cancellationToken: cancellationToken);
            }
            else
            {
                await delivery.Session.Receiver.AbandonMessageAsync(delivery.Message, cancellationToken: cancellationToken);
            }
        });
        lock (_sync)
        {
            _deliveries.Remove(message.LockToken);
            delivery.Session.Head = head;
            delivery.Session.Outstanding = false;
            delivery.Session.WaitUntil = wait ? due : null;
        }
    }

    /// <summary>
    /// After a complete or dead-letter: forget the head's state; a session of one unkeyed envelope is done and let go.
    /// The session counts as busy until then, so a receive running meanwhile does not read from it.
    /// </summary>
    private async Task SettledAsync(Delivery delivery, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var held = delivery.Session;
        lock (_sync)
        {
            _deliveries.Remove(message.LockToken);
        }

        if (held.Head is not null)
        {
            await GuardAsync(delivery, message, () => held.Receiver.SetSessionStateAsync(null, cancellationToken));
            held.Head = null;
        }

        if (held.Receiver.SessionId == message.Envelope.Id)
        {
            await CloseAsync(held);
            return;
        }

        lock (_sync)
        {
            held.Outstanding = false;
        }
    }

    private Delivery Find(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_sync)
        {
            return _deliveries.TryGetValue(message.LockToken, out var delivery)
                ? delivery
                : throw new MessageLockLostException(message.Envelope.Id);
        }
    }

    /// <summary>Runs a settlement; a lost session or message lock drops the session and says so the port's way.</summary>
    private async Task GuardAsync(Delivery delivery, ReceivedMessage message, Func<Task> settle)
    {
        try
        {
            await settle();
        }
        catch (ServiceBusException ex) when (ex.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.SessionLockLost)
        {
            lock (_sync)
            {
                _deliveries.Remove(message.LockToken);
            }

            await CloseAsync(delivery.Session);
            throw new MessageLockLostException(message.Envelope.Id);
        }
    }

    private List<HeldSession> Snapshot()
    {
        lock (_sync)
        {
            return [.. _sessions.Values];
        }
    }

    private DateTimeOffset NextDue(DateTimeOffset now)
    {
        lock (_sync)
        {
            var due = _sessions.Values.Where(s => !s.Outstanding && s.WaitUntil is not null).Select(s => s.WaitUntil!.Value).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            return due < now ? now : due;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
