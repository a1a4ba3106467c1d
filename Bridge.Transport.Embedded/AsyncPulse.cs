namespace Bridge.Transport.Embedded;

/// <summary>Wakes every waiter at once when new messages may be available.</summary>
internal sealed class AsyncPulse
{
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next <see cref="Pulse"/>. Take it before checking for work, to miss no pulse.</summary>
    public Task WaitTask => Volatile.Read(ref _current).Task;

    public void Pulse()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _current, next).TrySetResult();
    }
}
