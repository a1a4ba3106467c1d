using Azure.Messaging.ServiceBus;
using Bridge.Messaging;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.AzureServiceBus;

internal sealed partial class AzureServiceBusReceiver
{
    /// <summary>Accepts the next session with a message, waiting up to <paramref name="wait"/>; null when none came.</summary>
    private async Task<ServiceBusSessionReceiver?> AcceptAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        int waiting;
        lock (_sync)
        {
            waiting = _sessions.Values.Count(s => s.WaitUntil is not null);
        }

        if (waiting >= options.MaxWaitingSessions)
        {
            await Task.Delay(wait, time, cancellationToken);
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            return await connection.Client.AcceptNextSessionAsync(
                address.Topic,
                address.Subscription,
                new ServiceBusSessionReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock },
                timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.ServiceTimeout)
        {
            return null;
        }
    }

    /// <summary>Takes a newly accepted session on, with the state another process may have left, and hands out its head when due.</summary>
    private async Task AdoptAsync(ServiceBusSessionReceiver session, List<ReceivedMessage> received, int limit, CancellationToken cancellationToken)
    {
        var head = SessionHead.Parse(await session.GetSessionStateAsync(cancellationToken));
        var held = new HeldSession(session, session.SessionLockedUntil - time.GetUtcNow())
        {
            Head = head,
            WaitUntil = head?.NotBefore is { } due ? DateTimeOffset.FromUnixTimeMilliseconds(due) : null,
        };
        lock (_sync)
        {
            _sessions[session.SessionId] = held;
        }

        await VisitAsync(held, received, limit, cancellationToken);
    }

    /// <summary>A held session without a head out: keeps its lock while it waits, else hands out its next head (or lets it go when empty).</summary>
    private async Task VisitAsync(HeldSession held, List<ReceivedMessage> received, int limit, CancellationToken cancellationToken)
    {
        if (held.Outstanding || held.Closed)
        {
            return;
        }

        var now = time.GetUtcNow();
        try
        {
            if (held.WaitUntil is { } due && due > now)
            {
                if (held.Receiver.SessionLockedUntil - now < held.LockDuration / 2)
                {
                    await held.Receiver.RenewSessionLockAsync(cancellationToken);
                }

                return;
            }

            held.WaitUntil = null;
            await TakeHeadAsync(held, received, limit, cancellationToken);
        }
        catch (ServiceBusException ex) when (ex.Reason is ServiceBusFailureReason.SessionLockLost or ServiceBusFailureReason.MessageLockLost)
        {
            LogSessionLost(logger, address.ToString(), held.Receiver.SessionId);
            await CloseAsync(held);
        }
    }

    /// <summary>
    /// Receives the session's head: the deferred one the state points to, else the next in order. A head past the
    /// subscription's maximum deliveries (an expired lock spends one too) is dead-lettered here, and the next one taken.
    /// </summary>
    private async Task TakeHeadAsync(HeldSession held, List<ReceivedMessage> received, int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await NextAsync(held, cancellationToken);
            if (message is null)
            {
                await CloseAsync(held);
                return;
            }

            var count = SessionHead.DeliveryCount(held.Head, message.SequenceNumber, message.DeliveryCount);
            if (held.Head is not null && held.Head.Sequence != message.SequenceNumber)
            {
                await held.Receiver.SetSessionStateAsync(null, cancellationToken); // left by a head settled elsewhere
                held.Head = null;
            }

            var envelope = ServiceBusEnvelopes.EnvelopeOf(message, out var readable);
            if (count > limit)
            {
                var description = $"Delivered {count - 1} times; the subscription allows {limit}.";
                await held.Receiver.DeadLetterMessageAsync(
                    message,
                    ServiceBusEnvelopes.DeadLetterStamp(time.GetUtcNow(), limit),
                    MaxDeliveryCountExceeded,
                    description,
                    cancellationToken);
                LogExhausted(logger, envelope.Id, address.ToString(), limit, envelope.CorrelationId);
                observers.Report(new TransportDeadLetter(address, envelope.Id, readable ? envelope : null, limit, MaxDeliveryCountExceeded, description));
                if (held.Head is not null)
                {
                    await held.Receiver.SetSessionStateAsync(null, cancellationToken);
                    held.Head = null;
                }

                continue;
            }

            var delivery = new ReceivedMessage(
                envelope, count, message.EnqueuedTime, message.SequenceNumber, message.LockToken, held.Receiver.SessionLockedUntil)
            {
                Body = readable ? message.Body.ToMemory() : ReadOnlyMemory<byte>.Empty,
            };
            lock (_sync)
            {
                held.Outstanding = true;
                _deliveries[message.LockToken] = new Delivery(held, message);
            }

            received.Add(delivery);
            return;
        }
    }

    private async Task<ServiceBusReceivedMessage?> NextAsync(HeldSession held, CancellationToken cancellationToken)
    {
        if (held.Head is { Deferred: true } head)
        {
            try
            {
                return await held.Receiver.ReceiveDeferredMessageAsync(head.Sequence, cancellationToken);
            }
            catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageNotFound)
            {
                // Settled or never deferred (a hand-back that failed after its state was written): go on in order.
                await held.Receiver.SetSessionStateAsync(null, cancellationToken);
                held.Head = null;
            }
        }

        return await held.Receiver.ReceiveMessageAsync(options.SessionIdleWait, cancellationToken);
    }

    /// <summary>Lets a session go: its lock is released and any head still out returns to the subscription.</summary>
    private async Task CloseAsync(HeldSession held)
    {
        lock (_sync)
        {
            if (held.Closed)
            {
                return;
            }

            held.Closed = true;
            if (_sessions.TryGetValue(held.Receiver.SessionId, out var current) && ReferenceEquals(current, held))
            {
                _sessions.Remove(held.Receiver.SessionId);
            }

            foreach (var token in _deliveries.Where(d => ReferenceEquals(d.Value.Session, held)).Select(d => d.Key).ToList())
            {
                _deliveries.Remove(token);
            }
        }

        try
        {
            await held.Receiver.DisposeAsync();
        }
        catch (ServiceBusException ex)
        {
            LogCloseFailed(logger, address.ToString(), held.Receiver.SessionId, ex.Message);
        }
    }

    /// <summary>A session this receiver holds the lock of.</summary>
    private sealed class HeldSession(ServiceBusSessionReceiver receiver, TimeSpan lockDuration)
    {
        public ServiceBusSessionReceiver Receiver { get; } = receiver;

        /// <summary>How long a lock lasts: a waiting session renews it at half.</summary>
        public TimeSpan LockDuration { get; } = lockDuration;

        /// <summary>The session state as last read or written.</summary>
        public SessionHead? Head { get; set; }

        /// <summary>True while its head is out with a caller, or being settled.</summary>
        public bool Outstanding { get; set; }

        /// <summary>True once it is let go: nothing reads from it any more.</summary>
        public bool Closed { get; set; }

        /// <summary>When its deferred head is due, while it waits.</summary>
        public DateTimeOffset? WaitUntil { get; set; }
    }

    /// <summary>A head out with a caller, by lock token.</summary>
    private sealed record Delivery(HeldSession Session, ServiceBusReceivedMessage Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Envelope {MessageId} of {Subscription} reached its {Limit} deliveries and was dead-lettered (correlation {CorrelationId})")]
    private static partial void LogExhausted(ILogger logger, string messageId, string subscription, int limit, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lock of session {SessionId} of {Subscription}; another receiver takes it over")]
    private static partial void LogSessionLost(ILogger logger, string subscription, string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing session {SessionId} of {Subscription} failed: {Error}")]
    private static partial void LogCloseFailed(ILogger logger, string subscription, string sessionId, string error);
}
