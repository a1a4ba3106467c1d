using System.Text;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Peek-lock over a quorum queue, pulling with <c>basic.get</c> so a receiver holds only what it asked for.
/// A received message stays unacknowledged on this receiver's channel while locked. The lock is Bridge's: when it
/// expires unrenewed the message is returned to the queue (the broker counts the return). Abandon with a delay keeps the
/// message on the channel and offers it again when the delay is over; release offers it again at once without counting.
/// If the receiver's process dies, the broker returns everything it held.
/// </summary>
internal sealed partial class RabbitMqReceiver : ISubscriptionReceiver
{
    private readonly RabbitMqBroker _broker;
    private readonly RabbitMqDeadLettering _deadLettering;
    private readonly ILogger _logger;
    private readonly string _queue;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Held> _inFlight = new(StringComparer.Ordinal);
    private readonly List<Held> _waiting = [];
    private readonly ITimer _expiry;
    private IChannel? _channel;
    private bool _disposed;

    public RabbitMqReceiver(RabbitMqBroker broker, RabbitMqDeadLettering deadLettering, SubscriptionAddress address, ILogger logger)
    {
        _broker = broker;
        _deadLettering = deadLettering;
        _logger = logger;
        Address = address;
        _queue = broker.Names.Queue(address);
        _expiry = broker.Time.CreateTimer(_ => _ = ExpireLocksAsync(), null, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50));
    }

    public SubscriptionAddress Address { get; }

    private DateTimeOffset Now => _broker.Time.GetUtcNow();

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var deadline = Now + maxWait;
        while (true)
        {
            var received = await TakeAsync(maxMessages, cancellationToken);
            if (received.Count > 0)
            {
                return received;
            }

            var remaining = deadline - Now;
            if (remaining <= TimeSpan.Zero)
            {
                return [];
            }

            var wait = remaining < _broker.Options.PollInterval ? remaining : _broker.Options.PollInterval;
            await Task.Delay(wait, _broker.Time, cancellationToken);
        }
    }

    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        SettleAsync(message, (channel, held) => channel.BasicAckAsync(held.DeliveryTag, multiple: false, cancellationToken).AsTask(), cancellationToken);

    public Task AbandonAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        SettleAsync(message, async (channel, held) =>
        {
            var spec = _broker.Spec(Address);
            if (held.DeliveryCount >= spec.MaxDeliveryCount)
            {
                await _deadLettering.DeadLetterAsync(channel, Address, held, "MaxDeliveryCountExceeded",
                    $"Abandoned after delivery {held.DeliveryCount}; the maximum delivery count is {spec.MaxDeliveryCount}.", cancellationToken);
            }
            else if (delay <= TimeSpan.Zero)
            {
                await channel.BasicNackAsync(held.DeliveryTag, multiple: false, requeue: true, cancellationToken);
            }
            else
            {
                _waiting.Add(held with { DeliveryCount = held.DeliveryCount + 1, DueAt = Now + delay });
            }
        }, cancellationToken);

    public Task ReleaseAsync(ReceivedMessage message, CancellationToken cancellationToken) =>
        SettleAsync(message, (_, held) =>
        {
            _waiting.Add(held with { DueAt = Now });
            return Task.CompletedTask;
        }, cancellationToken);

    public Task DeadLetterAsync(ReceivedMessage message, string reason, string? description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return SettleAsync(message, (channel, held) => _deadLettering.DeadLetterAsync(channel, Address, held, reason, description, cancellationToken), cancellationToken);
    }

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
            _inFlight.Clear();
            _waiting.Clear();
            if (_channel is not null)
            {
                await _channel.DisposeAsync(); // the broker returns whatever was still held
                _channel = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<ReceivedMessage>> TakeAsync(int maxMessages, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var spec = _broker.Spec(Address);
            var channel = await ChannelAsync(cancellationToken);
            var taken = new List<ReceivedMessage>();
            foreach (var due in _waiting.Where(w => w.DueAt <= Now).Take(maxMessages).ToList())
            {
                _waiting.Remove(due);
                taken.Add(Lock(due, spec));
            }

            while (taken.Count < maxMessages && await channel.BasicGetAsync(_queue, autoAck: false, cancellationToken) is { } got)
            {
                var held = Held.From(got, _broker.Time);
                if (held.Envelope is null)
                {
                    await _deadLettering.DeadLetterAsync(channel, Address, held, "UnreadableEnvelope", held.Error, cancellationToken);
                }
                else if (held.DeliveryCount > spec.MaxDeliveryCount)
                {
                    await _deadLettering.DeadLetterAsync(channel, Address, held with { DeliveryCount = spec.MaxDeliveryCount }, "MaxDeliveryCountExceeded",
                        $"Returned {held.DeliveryCount - 1} times without being completed; the maximum delivery count is {spec.MaxDeliveryCount}.", cancellationToken);
                }
                else
                {
                    taken.Add(Lock(held, spec));
                }
            }

            return taken;
        }
        finally
        {
            _gate.Release();
        }
    }

    private ReceivedMessage Lock(Held held, SubscriptionSpec spec)
    {
        var token = Guid.NewGuid().ToString("N");
        var locked = held with { LockToken = token, LockedUntil = Now + spec.LockDuration };
        _inFlight[token] = locked;
        return new ReceivedMessage(locked.Envelope!, locked.DeliveryCount, locked.EnqueuedTime, (long)locked.DeliveryTag, token, locked.LockedUntil);
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

            await settle(_channel, held);
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
                if (held.DeliveryCount >= spec.MaxDeliveryCount)
                {
                    await _deadLettering.DeadLetterAsync(_channel, Address, held, "MaxDeliveryCountExceeded",
                        $"The lock of delivery {held.DeliveryCount} expired and the maximum delivery count ({spec.MaxDeliveryCount}) was reached.", CancellationToken.None);
                }
                else
                {
                    await _channel.BasicNackAsync(held.DeliveryTag, multiple: false, requeue: true);
                }
            }
        }
#pragma warning disable CA1031 // A timer callback must not throw; the broker returns the messages if the channel is gone.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogExpiryFailed(_logger, ex, Address.ToString());
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

        if (_channel is not null)
        {
            // The old channel is gone and with it every delivery it held: the broker has returned them.
            _inFlight.Clear();
            _waiting.Clear();
            await _channel.DisposeAsync();
        }

        _channel = await _broker.CreateChannelAsync(confirms: false, cancellationToken);
        return _channel;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Returning expired deliveries of {Subscription} failed; the broker returns them when the channel closes")]
    private static partial void LogExpiryFailed(ILogger logger, Exception exception, string subscription);
}

/// <summary>A delivery held unacknowledged on a receiver's channel.</summary>
internal sealed record Held(
    ulong DeliveryTag,
    Envelope? Envelope,
    string? Error,
    ReadOnlyMemory<byte> Body,
    IReadOnlyBasicProperties Properties,
    int DeliveryCount,
    DateTimeOffset EnqueuedTime)
{
    public string LockToken { get; init; } = "";

    public DateTimeOffset LockedUntil { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public string MessageId => Envelope?.Id ?? Properties.MessageId ?? "(unknown)";

    public static Held From(BasicGetResult got, TimeProvider time)
    {
        var headers = got.BasicProperties.Headers;
        var returns = headers is not null && headers.TryGetValue(RabbitMqNames.BrokerDeliveryCountHeader, out var count) ? Convert.ToInt32(count, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var enqueued = headers is not null && headers.TryGetValue(RabbitMqNames.EnqueuedAtHeader, out var at) && at is long ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : time.GetUtcNow();
        Envelope? envelope = null;
        string? error = null;
        try
        {
            envelope = EnvelopeSerializer.Deserialize(got.Body.Span);
        }
        catch (FormatException ex)
        {
            error = ex.Message;
        }

        return new Held(got.DeliveryTag, envelope, error, got.Body.ToArray(), got.BasicProperties, returns + 1, enqueued);
    }

    public static string Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => "",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
