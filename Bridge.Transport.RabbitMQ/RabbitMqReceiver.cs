using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// A receiver of one subscription. Every receiver of the same subscription in a process shares one
/// <see cref="SubscriptionSession"/> (one channel, one set of locks, one ordering-key gate); the session closes when the
/// last of them is disposed, and the broker then returns whatever it still held.
/// </summary>
internal sealed class RabbitMqReceiver(SubscriptionSession session, Func<ValueTask> release) : ISubscriptionReceiver
{
    private int _disposed;

    public SubscriptionAddress Address => session.Address;

    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var deadline = session.Now + maxWait;
        while (true)
        {
            var received = await session.TakeAsync(maxMessages, cancellationToken);
            if (received.Count > 0)
            {
                return received;
            }

            var remaining = deadline - session.Now;
            if (remaining <= TimeSpan.Zero)
            {
                return [];
            }

            var poll = session.PollInterval;
            await session.WaitForArrivalAsync(remaining < poll ? remaining : poll, cancellationToken);
        }
    }

    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) => session.CompleteAsync(message, cancellationToken);

    public Task AbandonAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) => session.AbandonAsync(message, delay, cancellationToken);

    public Task ReleaseAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) => session.ReleaseAsync(message, delay, cancellationToken);

    public Task DeadLetterAsync(ReceivedMessage message, string reason, string? description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return session.DeadLetterAsync(message, reason, description, cancellationToken);
    }

    public Task<DateTimeOffset> RenewLockAsync(ReceivedMessage message, CancellationToken cancellationToken) => session.RenewLockAsync(message, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await release();
        }
    }
}
