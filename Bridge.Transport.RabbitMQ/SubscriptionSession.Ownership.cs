using Bridge.Topology;

namespace Bridge.Transport.RabbitMQ;

/// <summary>Which process consumes an ordered subscription.</summary>
internal sealed partial class SubscriptionSession
{
    private static readonly TimeSpan OwnershipRetry = TimeSpan.FromSeconds(1);

    private string OwnerQueue => _queue + ".owner";

    /// <summary>
    /// For an ordered subscription, one process consumes at a time: the one whose connection holds the subscription's
    /// exclusive owner queue. The broker drops that queue when the connection closes (or the process dies), and a standby
    /// process claims it at its next attempt.
    /// </summary>
    private async Task<bool> OwnsAsync(SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        if (!spec.Ordered || _owner)
        {
            return true;
        }

        if (Now < _nextOwnershipAttempt)
        {
            return false;
        }

        _nextOwnershipAttempt = Now + OwnershipRetry;
        await using var probe = await _broker.CreateChannelAsync(confirms: false, cancellationToken);
        try
        {
            await probe.QueueDeclareAsync(OwnerQueue, durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
            _owner = true;
        }
        catch (global::RabbitMQ.Client.Exceptions.OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 405)
        {
            _owner = false; // RESOURCE_LOCKED: another process owns it
        }

        return _owner;
    }

    private async Task ReleaseOwnershipAsync()
    {
        try
        {
            await using var channel = await _broker.CreateChannelAsync(confirms: false, CancellationToken.None);
            await channel.QueueDeleteAsync(OwnerQueue, ifUnused: false, ifEmpty: false); // a standby process may take over now
        }
#pragma warning disable CA1031 // The broker drops the owner queue with our connection anyway.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCloseFailed(_logger, ex, Address.ToString());
        }
    }
}
