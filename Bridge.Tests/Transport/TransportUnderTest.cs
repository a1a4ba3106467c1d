
namespace Bridge.Tests.Transport;

/// <summary>
/// One running instance of a transport, seen only through the broker port. Disposing it shuts the instance down
/// (as a process exit would) but keeps the broker's storage, so a new instance can be started on the same data.
/// </summary>
public sealed class TransportUnderTest(
    ITopicPublisher publisher,
    ISubscriptionReceiverFactory receivers,
    ITopologyProvisioner provisioner,
    IDeadLetterQueue deadLetters,
    ISubscriptionBacklog backlog,
    Func<ValueTask> shutdown) : IAsyncDisposable
{
    private int _disposed;

    public ITopicPublisher Publisher { get; } = publisher;

    public ISubscriptionReceiverFactory Receivers { get; } = receivers;

    public ITopologyProvisioner Provisioner { get; } = provisioner;

    public IDeadLetterQueue DeadLetters { get; } = deadLetters;

    public ISubscriptionBacklog Backlog { get; } = backlog;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await shutdown();
        }
    }
}
