namespace Bridge.Transport.RabbitMQ;

/// <summary>What the session holds unacknowledged without a lock, for <see cref="RabbitMqBacklog"/>.</summary>
internal sealed partial class SubscriptionSession
{
    /// <summary>
    /// Pending: deliveries pushed but not yet taken, waiting behind a busy ordering key, or retries now due. Held:
    /// retries and delayed releases waiting out their delay. Locked ones are in flight and counted by neither.
    /// </summary>
    public async Task<(long Pending, long Held)> CountWaitingAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_disposed)
            {
                return (0, 0);
            }

            var now = Now;
            var held = _waiting.Count(w => w.DueAt > now);
            return (_arrivals.Count + _parked.Count + _waiting.Count - held, held);
        }
        finally
        {
            _gate.Release();
        }
    }
}
