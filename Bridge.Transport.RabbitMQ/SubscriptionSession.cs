using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Peek-lock over one subscription's quorum queue for this process, consuming with a prefetch window (see
/// SubscriptionSession.Consumer.cs). Held messages stay unacknowledged on the session's channel.
/// <list type="bullet">
/// <item>Lock: Bridge's own clock. An unrenewed lock that expires returns the message to the queue (the broker counts it);
/// a message with an ordering key is instead offered again here (count + 1), so its successors cannot overtake it.</item>
/// <item>Abandon with a delay, or of a keyed message: kept and offered again when due (count + 1). Abandon of an unkeyed
/// message without delay returns it to the queue; with a delay above <c>MaxRetryDelayHeld</c> it is moved to a delay
/// queue instead (<see cref="RabbitMqScheduler.PostponeAsync"/>), so nothing stays unacknowledged for hours.</item>
/// <item>Release: offered again (at once, or after its delay) without counting; a long delay moves an unkeyed message too.</item>
/// <item>Ordering key: only one message per key is out at a time; later ones fetched meanwhile wait here, in order.</item>
/// </list>
/// </summary>
internal sealed partial class SubscriptionSession : IAsyncDisposable
{
    private readonly RabbitMqBroker _broker;
    private readonly RabbitMqDeadLettering _deadLettering;
    private readonly RabbitMqScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly string _queue;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Held> _inFlight = new(StringComparer.Ordinal);
    private readonly List<Held> _waiting = [];
    private readonly List<Held> _parked = [];
    private readonly HashSet<string> _busyKeys = new(StringComparer.Ordinal);
    private readonly ITimer _expiry;
    private IChannel? _channel;
    private bool _disposed;
    private bool _owner;
    private readonly Task _predecessorClosed;
    private DateTimeOffset _nextOwnershipAttempt;

    public SubscriptionSession(RabbitMqBroker broker, RabbitMqDeadLettering deadLettering, RabbitMqScheduler scheduler, SubscriptionAddress address, Task predecessorClosed, ILogger logger)
    {
        _predecessorClosed = predecessorClosed;
        _broker = broker;
        _deadLettering = deadLettering;
        _scheduler = scheduler;
        _logger = logger;
        Address = address;
        _queue = broker.Names.Queue(address);
        _expiry = broker.Time.CreateTimer(_ => _ = ExpireLocksAsync(), null, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50));
    }

    public SubscriptionAddress Address { get; }

    public TimeProvider Time => _broker.Time;

    public TimeSpan PollInterval => _broker.Options.PollInterval;

    public DateTimeOffset Now => _broker.Time.GetUtcNow();

    public async Task<IReadOnlyList<ReceivedMessage>> TakeAsync(int maxMessages, CancellationToken cancellationToken)
    {
        await _predecessorClosed.WaitAsync(cancellationToken); // a closing session of this subscription may still own it
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var spec = _broker.Spec(Address);
            var channel = await ChannelAsync(cancellationToken);
            var taken = new List<ReceivedMessage>();
            if (!await OwnsAsync(spec, cancellationToken))
            {
                _arrivals.Clear(); // anything left was pushed on a channel since dropped
                return taken; // an ordered subscription another process consumes: stand by
            }

            foreach (var due in _waiting.Where(w => w.DueAt <= Now).Take(maxMessages).ToList())
            {
                _waiting.Remove(due);
                taken.Add(Lock(due, spec));
            }

            foreach (var parked in _parked.ToList())
            {
                if (taken.Count < maxMessages && !_busyKeys.Contains(parked.OrderingKey!))
                {
                    _parked.Remove(parked);
                    _busyKeys.Add(parked.OrderingKey!);
                    taken.Add(Lock(parked, spec));
                }
            }

            await ConsumeAsync(channel, maxMessages);
            while (taken.Count < maxMessages && TryNextArrival(channel, out var held))
            {
                if (held.Envelope is null)
                {
                    await _deadLettering.DeadLetterOnItsOwnAsync(channel, Address, held, "UnreadableEnvelope", held.Error, CancellationToken.None);
                }
                else if (held.DeliveryCount > spec.MaxDeliveryCount)
                {
                    await _deadLettering.DeadLetterOnItsOwnAsync(channel, Address, held with { DeliveryCount = spec.MaxDeliveryCount }, "MaxDeliveryCountExceeded",
                        $"Returned {held.DeliveryCount - 1} times without being completed; the maximum delivery count is {spec.MaxDeliveryCount}.", CancellationToken.None);
                }
                else if (held.OrderingKey is { } key && !_busyKeys.Add(key))
                {
                    _parked.Add(held);
                }
                else
                {
                    taken.Add(Lock(held, spec));
                }
            }

            return taken;
        }
        catch (Exception ex) when (DropsChannel(ex, cancellationToken))
        {
            await DropChannelAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Whether a failed take leaves the channel in a state only closing it repairs. Anything but the caller's own
    /// cancellation does — a cancellation the client raised itself included: RabbitMQ.Client cancels an operation whose
    /// answer did not come within its continuation timeout (a broker busy after a restart), and a <c>basic.consume</c>
    /// given up so may still have registered a consumer on the broker that this session does not know. That consumer is
    /// pushed a full window and holds it unacknowledged for as long as the channel lives; closing the channel returns it.
    /// </summary>
    internal static bool DropsChannel(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        ObjectDisposedException => false,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => true,
    };

    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        SettleAsync(message, async (channel, held) =>
        {
            await channel.BasicAckAsync(held.DeliveryTag, multiple: false, cancellationToken);
            Free(held);
        }, cancellationToken);

    public Task AbandonAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(message, (channel, held) => RetryAsync(channel, held, delay, null, cancellationToken), cancellationToken);

    public Task ReleaseAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(message, (channel, held) => WaitAsync(channel, held, held.DeliveryCount - 1, delay, cancellationToken), cancellationToken);

    public Task DeadLetterAsync(ReceivedMessage message, string reason, string? description, CancellationToken cancellationToken) =>
        SettleAsync(message, async (channel, held) =>
        {
            await _deadLettering.DeadLetterAsync(channel, Address, held, reason, description, cancellationToken);
            Free(held);
        }, cancellationToken);

    public async Task<DateTimeOffset> RenewLockAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_inFlight.TryGetValue(message.LockToken, out var held))
            {
                throw new MessageLockLostException(message.Envelope.Id);
            }

            var until = Now + _broker.Spec(Address).LockDuration;
            _inFlight[message.LockToken] = held with { LockedUntil = until };
            return until;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _expiry.DisposeAsync();
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            var owner = _owner;
            await DropChannelAsync(); // the broker returns whatever was still held, before anyone else may take over
            if (owner)
            {
                await ReleaseOwnershipAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Abandon or lock expiry: dead-letter at the maximum, else offer again (locally when delayed or keyed).</summary>
    private async Task RetryAsync(IChannel channel, Held held, TimeSpan delay, string? expired, CancellationToken cancellationToken)
    {
        var spec = _broker.Spec(Address);
        if (held.DeliveryCount >= spec.MaxDeliveryCount)
        {
            await _deadLettering.DeadLetterOnItsOwnAsync(channel, Address, held, "MaxDeliveryCountExceeded",
                expired ?? $"Abandoned after delivery {held.DeliveryCount}; the maximum delivery count is {spec.MaxDeliveryCount}.", cancellationToken);
            Free(held);
        }
        else if (delay <= TimeSpan.Zero && held.OrderingKey is null)
        {
            await channel.BasicNackAsync(held.DeliveryTag, multiple: false, requeue: true, cancellationToken);
        }
        else
        {
            await WaitAsync(channel, held, held.DeliveryCount, delay, cancellationToken);
        }
    }

    /// <summary>
    /// Offers a delivery again after <paramref name="delay"/>, as delivery <paramref name="deliveries"/> + 1: kept here
    /// unacknowledged while the delay is short or the message has an ordering key (its successors wait behind it here),
    /// else moved to a delay queue on the broker and acknowledged.
    /// </summary>
    private async Task WaitAsync(IChannel channel, Held held, int deliveries, TimeSpan delay, CancellationToken cancellationToken)
    {
        var limit = _broker.Options.MaxRetryDelayHeld;
        if (delay <= limit || held.OrderingKey is not null)
        {
            if (delay > limit)
            {
                LogKeyedWait(_logger, held.MessageId, Address.ToString(), delay.TotalMinutes);
            }
            _waiting.Add(held with { DeliveryCount = deliveries + 1, DueAt = Now + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero) });
            return;
        }

        await _scheduler.PostponeAsync(channel, Address, held, deliveries, delay, cancellationToken);
    }

    private ReceivedMessage Lock(Held held, SubscriptionSpec spec)
    {
        var token = Guid.NewGuid().ToString("N");
        var locked = held with { LockToken = token, LockedUntil = Now + spec.LockDuration };
        _inFlight[token] = locked;
        return new ReceivedMessage(locked.Envelope!, locked.DeliveryCount, locked.EnqueuedTime, (long)locked.DeliveryTag, token, locked.LockedUntil) { Body = locked.Body };
    }

    /// <summary>The message is gone for good: its key lets the next one through.</summary>
    private void Free(Held held)
    {
        if (held.OrderingKey is { } key)
        {
            _busyKeys.Remove(key);
        }
    }

    private async Task SettleAsync(ReceivedMessage message, Func<IChannel, Held, Task> settle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is null || !_inFlight.Remove(message.LockToken, out var held))
            {
                throw new MessageLockLostException(message.Envelope.Id);
            }

            try
            {
                await settle(_channel, held);
            }
            catch
            {
                // The delivery's fate is unknown: drop the channel so the broker returns everything it held.
                await DropChannelAsync();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ExpireLocksAsync()
    {
        if (!await _gate.WaitAsync(0))
        {
            return; // busy: the next tick will look
        }

        try
        {
            if (_channel is null || _inFlight.Count == 0)
            {
                return;
            }

            var spec = _broker.Spec(Address);
            foreach (var (token, held) in _inFlight.Where(f => f.Value.LockedUntil <= Now).ToList())
            {
                _inFlight.Remove(token);
                await RetryAsync(_channel, held, TimeSpan.Zero,
                    $"The lock of delivery {held.DeliveryCount} expired and the maximum delivery count ({spec.MaxDeliveryCount}) was reached.", CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // A timer callback must not throw; the broker returns the messages if the channel is gone.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogExpiryFailed(_logger, ex, Address.ToString());
            await DropChannelAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        // The old channel, if any, is gone and with it every delivery it held: the broker has returned them. The
        // connection may have dropped too, and with it the ownership of an ordered subscription: claim it again.
        await DropChannelAsync();

        _channel = await _broker.CreateChannelAsync(confirms: false, cancellationToken);
        return _channel;
    }

    /// <summary>Returns everything held to the queue (by closing the channel) and forgets it.</summary>
    private async Task DropChannelAsync()
    {
        Forget();
        _owner = false;
        if (_channel is null)
        {
            return;
        }

        var channel = _channel;
        _channel = null;
        try
        {
            await StopConsumingAsync(channel);
            if (channel.IsOpen)
            {
                await channel.BasicNackAsync(0, multiple: true, requeue: true);
                await channel.CloseAsync();
            }
        }
#pragma warning disable CA1031 // Closing is best effort: a dead channel has returned its messages already.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCloseFailed(_logger, ex, Address.ToString());
        }
        finally
        {
            channel.Dispose();
        }
    }


    private void Forget()
    {
        _inFlight.Clear();
        _waiting.Clear();
        _parked.Clear();
        _busyKeys.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing the channel of {Subscription} failed; the broker returns its messages when the connection closes")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string subscription);

    [LoggerMessage(Level = LogLevel.Information, Message = "{MessageId} of {Subscription} has an ordering key and waits {Minutes:0.#} min for its retry in this process, unacknowledged, its key's successors behind it; a RabbitMQ before 3.11.15 needs a longer consumer_timeout (see docs/rabbitmq.md, \"Long retry delays\")")]
    private static partial void LogKeyedWait(ILogger logger, string messageId, string subscription, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Returning expired deliveries of {Subscription} failed; the broker returns them when the channel closes")]
    private static partial void LogExpiryFailed(ILogger logger, Exception exception, string subscription);
}
