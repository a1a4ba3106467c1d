using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Bridge.Transport.Embedded;

/// <summary>
/// Runs every write of the embedded broker on one connection, grouping the operations queued meanwhile into one
/// transaction (group commit). An operation's task completes only after its transaction committed, so a completed
/// publish is on disk. A failing operation does not fail its neighbours: the batch runs without savepoints first and,
/// only when an operation failed, is rolled back and run again with a savepoint around each operation.
/// </summary>
internal sealed class SqliteGroupCommitter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteWrite _write;
    private readonly int _maxOperationsPerCommit;
    private readonly Channel<IOperation> _queue = Channel.CreateUnbounded<IOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public SqliteGroupCommitter(SqliteConnection connection, int maxOperationsPerCommit)
    {
        _connection = connection;
        _write = new SqliteWrite(connection);
        _maxOperationsPerCommit = maxOperationsPerCommit;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Queues <paramref name="work"/>; the task completes once its transaction has committed.</summary>
    public Task<T> ExecuteAsync<T>(Func<SqliteWrite, T> work)
    {
        var operation = new Operation<T>(work);
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(SqliteGroupCommitter), "The embedded broker is shutting down.");
        }
        return operation.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<IOperation>(_maxOperationsPerCommit);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxOperationsPerCommit && _queue.Reader.TryRead(out var operation))
            {
                batch.Add(operation);
            }

            try
            {
                if (!TryCommit(batch, savepoints: false))
                {
                    TryCommit(batch, savepoints: true);
                }

                foreach (var operation in batch)
                {
                    operation.Publish();
                }
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                foreach (var operation in batch)
                {
                    operation.Fail(ex);
                }
            }
        }
    }

    /// <summary>Runs the batch in one transaction; without savepoints, gives up (rolls back) at the first failing operation.</summary>
    private bool TryCommit(List<IOperation> batch, bool savepoints)
    {
        using var transaction = _connection.BeginTransaction();
        _write.Transaction = transaction;
        foreach (var operation in batch)
        {
            if (savepoints)
            {
                transaction.Save("op");
            }

            var succeeded = operation.Run(_write);
            if (savepoints)
            {
                if (succeeded)
                {
                    transaction.Release("op");
                }
                else
                {
                    transaction.Rollback("op");
                }
            }
            else if (!succeeded)
            {
                transaction.Rollback();
                return false;
            }
        }

        transaction.Commit();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _write.Dispose();
    }

    private interface IOperation
    {
        bool Run(SqliteWrite write);

        void Publish();

        void Fail(Exception exception);
    }

    private sealed class Operation<T>(Func<SqliteWrite, T> work) : IOperation
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public bool Run(SqliteWrite write)
        {
            _error = null;
            try
            {
                _result = work(write);
                return true;
            }
#pragma warning disable CA1031 // The failure belongs to the caller of this operation only.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _error = ex;
                return false;
            }
        }

        public void Publish()
        {
            if (_error is null)
            {
                _completion.TrySetResult(_result!);
            }
            else
            {
                _completion.TrySetException(_error);
            }
        }

        public void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
