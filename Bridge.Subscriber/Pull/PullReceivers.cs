using System.Collections.Concurrent;
using System.Security.Cryptography;
using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Subscriber.Pull;

/// <summary>
/// The broker receivers behind the pull routes: one per pull subscription, created on its first receive, and the
/// envelopes this process handed out under a lock, by an opaque token (never the broker's own lock token, so one client
/// cannot guess another's). Receives of one subscription take turns, so two clients never get the same envelope; a lock
/// that expires returns the envelope to the subscription (the transport's peek-lock), and its token is forgotten.
/// </summary>
internal sealed class PullReceivers(ISubscriptionReceiverFactory factory, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<SubscriptionAddress, Reader> _readers = new();
    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private long _sweepDue;

    /// <summary>
    /// Waits up to <paramref name="wait"/> for envelopes of <paramref name="address"/> and returns up to
    /// <paramref name="max"/>, each locked to the caller under a new token. Empty when none arrived in time.
    /// </summary>
    public async Task<IReadOnlyList<Lease>> ReceiveAsync(SubscriptionAddress address, int max, TimeSpan wait, CancellationToken cancellationToken)
    {
        ForgetExpired();
        var reader = _readers.GetOrAdd(address, a => new Reader(factory.CreateReceiver(a)));
        var started = time.GetTimestamp();
        IReadOnlyList<ReceivedMessage> messages;
        try
        {
            using var receive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, reader.Closing);
            if (!await reader.Turn.WaitAsync(wait, receive.Token))
            {
                return []; // another client's receive held the turn for the whole wait, so nothing arrived for this one
            }

            try
            {
                var left = wait - time.GetElapsedTime(started);
                messages = await reader.Receiver.ReceiveAsync(max, left > TimeSpan.Zero ? left : TimeSpan.Zero, receive.Token);
            }
            finally
            {
                reader.Turn.Release();
            }
        }
        catch (OperationCanceledException) when (reader.Closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return []; // the subscription stopped being a pull subscription here, or the process is stopping
        }

        var leases = new List<Lease>(messages.Count);
        foreach (var message in messages)
        {
            var lease = new Lease(NewToken(), address, reader.Receiver, message, time.GetUtcNow());
            _leases[lease.Token] = lease;
            leases.Add(lease);
        }
        return leases;
    }

    /// <summary>The lease of <paramref name="token"/> on <paramref name="address"/>, or null when unknown, of another subscription, or expired.</summary>
    public Lease? Find(SubscriptionAddress address, string token)
    {
        if (!_leases.TryGetValue(token, out var lease) || lease.Address != address)
        {
            return null;
        }

        if (lease.Message.LockedUntil <= time.GetUtcNow())
        {
            _leases.TryRemove(token, out _);
            return null;
        }
        return lease;
    }

    /// <summary>The lease is settled (completed, abandoned, dead-lettered) or its lock is lost: the token is forgotten.</summary>
    public void End(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        _leases.TryRemove(lease.Token, out _);
    }

    /// <summary>The lease's lock was renewed until <paramref name="until"/>.</summary>
    public Lease Renewed(Lease lease, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var renewed = lease with { Message = lease.Message with { LockedUntil = until } };
        _leases[lease.Token] = renewed;
        return renewed;
    }

    /// <summary>Closes the receiver of a subscription that is no longer a pull subscription here (deleted or changed).</summary>
    public async Task CloseAsync(SubscriptionAddress address)
    {
        if (_readers.TryRemove(address, out var reader))
        {
            foreach (var lease in _leases.Values.Where(l => l.Address == address))
            {
                _leases.TryRemove(lease.Token, out _);
            }
            await reader.DisposeAsync();
        }
    }

    /// <summary>The subscriptions with an open receiver.</summary>
    public IReadOnlyCollection<SubscriptionAddress> Open => [.. _readers.Keys];

    public async ValueTask DisposeAsync()
    {
        foreach (var address in _readers.Keys)
        {
            await CloseAsync(address);
        }
    }

    /// <summary>Drops the leases whose lock has run out, at most once a second (not a sweep of every lease per receive).</summary>
    private void ForgetExpired()
    {
        var now = time.GetUtcNow();
        var due = Interlocked.Read(ref _sweepDue);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _sweepDue, now.UtcTicks + TimeSpan.TicksPerSecond, due) != due)
        {
            return;
        }

        foreach (var (token, lease) in _leases)
        {
            if (lease.Message.LockedUntil <= now)
            {
                _leases.TryRemove(token, out _);
            }
        }
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private sealed class Reader(ISubscriptionReceiver receiver) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _closing = new();

        public ISubscriptionReceiver Receiver { get; } = receiver;

        public SemaphoreSlim Turn { get; } = new(1, 1);

        /// <summary>Cancelled when the reader closes: a receive waiting on it returns at once.</summary>
        public CancellationToken Closing => _closing.Token;

        public async ValueTask DisposeAsync()
        {
            await _closing.CancelAsync();
            await Turn.WaitAsync();
            try
            {
                await Receiver.DisposeAsync();
            }
            finally
            {
                Turn.Release();
                Turn.Dispose();
                _closing.Dispose();
            }
        }
    }
}

/// <summary>An envelope handed out to a pull client under a lock.</summary>
/// <param name="Token">The opaque token the client settles it with.</param>
/// <param name="Address">The subscription.</param>
/// <param name="Receiver">The broker receiver that holds its lock.</param>
/// <param name="Message">The message as received (its lock expiry is kept current on renewal).</param>
/// <param name="ReceivedAt">When it was handed out.</param>
internal sealed record Lease(string Token, SubscriptionAddress Address, ISubscriptionReceiver Receiver, ReceivedMessage Message, DateTimeOffset ReceivedAt);
