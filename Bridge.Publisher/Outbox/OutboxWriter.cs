using System.Threading.Channels;
using Bridge.Store;
using Bridge.Store.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Publisher.Outbox;

/// <summary>
/// Group commit for the outbox: publishes that arrive while a commit runs are written together in the next transaction,
/// so the store sees one commit per group instead of one per request. Each caller's task completes only once its rows
/// are committed; when a group's commit fails, each request of it is tried on its own, so one bad request cannot fail
/// the others.
/// </summary>
internal sealed class OutboxWriter : IAsyncDisposable
{
    private const int MaxRowsPerCommit = 2000;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDbContextFactory<BridgeDbContext> _store;
    private readonly OutboxSignal _signal;
    private readonly Task _loop;

    public OutboxWriter(IDbContextFactory<BridgeDbContext> store, OutboxSignal signal)
    {
        _store = store;
        _signal = signal;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Writes <paramref name="rows"/> in one transaction (possibly with other requests' rows); completes once they are committed.</summary>
    public Task WriteAsync(IReadOnlyList<OutboxMessage> rows)
    {
        var pending = new Pending(rows, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending) ? pending.Committed.Task : Task.FromException(new ObjectDisposedException(nameof(OutboxWriter)));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var group = new List<Pending>();
            var rows = 0;
            while (rows < MaxRowsPerCommit && reader.TryRead(out var pending))
            {
                group.Add(pending);
                rows += pending.Rows.Count;
            }

            if (group.Count == 1)
            {
                await CommitAloneAsync(group[0]);
                continue;
            }

            try
            {
                await CommitAsync(group);
                Complete(group);
            }
            catch (Exception)
            {
                // Find the request at fault: each one alone, in order.
                foreach (var pending in group)
                {
                    await CommitAloneAsync(pending);
                }
            }
        }
    }

    /// <summary>Commits one request's rows; a failure goes to that request alone.</summary>
    private async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            await CommitAsync([pending]);
            Complete([pending]);
        }
        catch (Exception ex)
        {
            pending.Committed.TrySetException(ex);
        }
    }

    private async Task CommitAsync(List<Pending> group)
    {
        // Inserted in bulk in acceptance order (the store numbers the sequence), without change tracking: one
        // transaction, every row of the group or none.
        var rows = group.Count == 1 ? group[0].Rows : [.. group.SelectMany(p => p.Rows)];
        await using var db = await _store.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await BulkInsert.InsertAsync(db, rows, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private void Complete(List<Pending> group)
    {
        foreach (var pending in group)
        {
            pending.Committed.TrySetResult();
        }
        _signal.Pulse();
    }

    private sealed record Pending(IReadOnlyList<OutboxMessage> Rows, TaskCompletionSource Committed);
}
