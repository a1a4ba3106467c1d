using Bridge.Dedupe;
using Bridge.Messaging;
using Bridge.Subscriber.Dedupe;
using Bridge.Threading;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// Keeps what a webhook call holds alive while it runs: each envelope's lock (renewed every half lock duration) and
/// each dedupe claim this process took (every third of its lease), on one timer per call — a call pays for one wait,
/// not one per envelope or per thing it keeps. A lost lock or claim is logged and no longer renewed; the call goes on
/// either way (the broker or another subscriber may then deliver the envelope again, which dedupe or the receiver catches).
/// </summary>
internal sealed partial class LeaseKeeper(DedupeGate dedupe, TimeProvider time, ILogger<LeaseKeeper> logger)
{
    /// <summary>Renews the locks of <paramref name="messages"/> and the matching <paramref name="claims"/> until <paramref name="cancellationToken"/> ends the call.</summary>
    public async Task KeepAsync(ISubscriptionReceiver receiver, IReadOnlyList<ReceivedMessage> messages, IReadOnlyList<DedupeClaim> claims, TimeSpan lockDuration, CancellationToken cancellationToken)
    {
        var lockEvery = lockDuration / 2;
        var locked = new bool[messages.Count];
        var claimed = new bool[claims.Count];
        Array.Fill(locked, true);
        TimeSpan? claimEvery = null;
        for (var i = 0; i < claims.Count; i++)
        {
            var interval = dedupe.RenewalInterval(claims[i]);
            claimed[i] = interval is not null;
            claimEvery ??= interval;
        }

        var tick = claimEvery is { } every && every < lockEvery ? every : lockEvery;

        TimeSpan? lockDue = lockEvery, claimDue = claimEvery;
        var elapsed = TimeSpan.Zero;
        try
        {
            while ((lockDue is not null || claimDue is not null) && await Pause.ForAsync(tick, time, cancellationToken))
            {
                elapsed += tick;
                if (lockDue is { } lockAt && elapsed >= lockAt)
                {
                    lockDue = await RenewLocksAsync(receiver, messages, locked, cancellationToken) ? elapsed + lockEvery : null;
                }
                if (claimDue is { } claimAt && elapsed >= claimAt)
                {
                    claimDue = await RenewClaimsAsync(messages, claims, claimed, cancellationToken) ? elapsed + claimEvery : null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The call ended.
        }
    }

    /// <summary>Renews every lock still held; false once none is left to renew.</summary>
    private async Task<bool> RenewLocksAsync(ISubscriptionReceiver receiver, IReadOnlyList<ReceivedMessage> messages, bool[] locked, CancellationToken cancellationToken)
    {
        var any = false;
        for (var i = 0; i < messages.Count; i++)
        {
            if (!locked[i])
            {
                continue;
            }

            try
            {
                await receiver.RenewLockAsync(messages[i], cancellationToken);
                any = true;
            }
            catch (MessageLockLostException ex)
            {
                locked[i] = false;
                LogLockLost(logger, ex, messages[i].Envelope.Id);
            }
        }
        return any;
    }

    /// <summary>Renews every claim still held; false once none is left to renew.</summary>
    private async Task<bool> RenewClaimsAsync(IReadOnlyList<ReceivedMessage> messages, IReadOnlyList<DedupeClaim> claims, bool[] claimed, CancellationToken cancellationToken)
    {
        var any = false;
        for (var i = 0; i < claims.Count; i++)
        {
            if (claimed[i])
            {
                claimed[i] = await dedupe.RenewAsync(claims[i], messages[i], cancellationToken);
                any |= claimed[i];
            }
        }
        return any;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lock on {MessageId} was lost; the broker will deliver it again")]
    private static partial void LogLockLost(ILogger logger, Exception exception, string messageId);
}
