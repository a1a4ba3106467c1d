using System.Collections.Concurrent;
using Bridge.Subscriber.Endpoints;

namespace Bridge.Subscriber.Delivery;

/// <summary>
/// The webhook calls a delivery loop has running (one envelope's or one batch's each): started on the thread pool,
/// each frees its concurrency slot exactly once — when it says its response is in, or when it ends — and a probe's
/// call ends the endpoint's probe turn. The loop waits for them all when it stops.
/// </summary>
internal sealed class InFlightCalls(EndpointGuard guard)
{
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private long _started;

    /// <summary>Starts <paramref name="call"/>, which is given the action that frees its slot early (before settling).</summary>
    public void Start(Func<Action, Task> call, bool probe, SemaphoreSlim slots)
    {
        var id = ++_started;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[id] = done.Task;
        _ = Task.Run(() => RunAsync(call, probe, slots, id, done), CancellationToken.None);
    }

    /// <summary>Completes once every started call has ended.</summary>
    public Task WhenAllEndedAsync() => Task.WhenAll(_running.Values);

    private async Task RunAsync(Func<Action, Task> call, bool probe, SemaphoreSlim slots, long id, TaskCompletionSource done)
    {
        var released = 0;
        void ReleaseSlot()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                slots.Release();
            }
        }

        try
        {
            await call(ReleaseSlot);
        }
        finally
        {
            _running.TryRemove(id, out _);
            ReleaseSlot();
            if (probe)
            {
                guard.EndProbe();
            }

            done.SetResult();
        }
    }
}
