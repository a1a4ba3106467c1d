namespace Bridge.Threading;

/// <summary>
/// Wakes whoever waits for a change of some state. A waiter takes <see cref="Next"/> before it checks the state, then
/// awaits it if the state was not yet what it wants; <see cref="Raise"/> after a change completes every task taken
/// before it, so no change between the check and the wait is missed.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = New();

    /// <summary>Completes at the next <see cref="Raise"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes every waiter that took <see cref="Next"/> before this call.</summary>
    public void Raise() => Interlocked.Exchange(ref _next, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
