using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Store.Outbox;

namespace Bridge.Publisher.Outbox;

/// <summary>
/// The publisher's <see cref="ITopicPublisher"/> when the outbox is on: the envelopes are written to the store's outbox in
/// one transaction (grouped with concurrent publishes by <see cref="OutboxWriter"/>), so when this returns they are
/// durable; the <see cref="OutboxDispatcher"/> forwards them to the broker.
/// </summary>
internal sealed class OutboxPublisher(OutboxWriter writer, TimeProvider time) : ITopicPublisher
{
    public Task PublishAsync(string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = time.GetUtcNow();
        // Not cancellable once queued: the rows may already be in a commit, and a request cancelled then is still accepted.
        return writer.WriteAsync([.. messages.Select(m => new OutboxMessage
        {
            Topic = topic,
            MessageId = m.Envelope.Id,
            CorrelationId = m.Envelope.CorrelationId,
            Envelope = EnvelopeSerializer.Serialize(m.Envelope),
            ScheduledEnqueueTime = m.ScheduledEnqueueTime,
            CreatedAt = now,
        })]);
    }
}

/// <summary>
/// Wakes the dispatcher when envelopes were written. Pulses while one is already pending add nothing (and cost no
/// exception: this runs once per commit): the dispatcher reads the outbox after it wakes, so it sees every row committed
/// before any of them.
/// </summary>
internal sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pulse = new(0, 1);
    private int _pending;

    public void Pulse()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _pulse.Release();
        }
    }

    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pulsed = await _pulse.WaitAsync(timeout, cancellationToken);
        if (pulsed)
        {
            Volatile.Write(ref _pending, 0);
        }
        return pulsed;
    }
}

/// <summary>The transport's own publisher, which the dispatcher forwards to.</summary>
internal sealed record TransportPublisher(ITopicPublisher Inner);
