using Microsoft.Data.Sqlite;

namespace Bridge.Transport.Embedded;

/// <summary>
/// Copies the write-ahead log back into the database file on its own connection, a few times a second, so the single
/// writer never stalls on SQLite's automatic checkpoint (which would run inside a commit and hold every operation of
/// that group behind a copy and an fsync of the database file). A passive checkpoint never blocks the writer.
/// </summary>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly SqliteConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WalCheckpointer(string connectionString, TimeProvider timeProvider)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        _connection.Open();
        _loop = Task.Run(() => RunAsync(timeProvider));
    }

    private async Task RunAsync(TimeProvider timeProvider)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, timeProvider, _stop.Token).ConfigureAwait(false);
                command.ExecuteNonQuery();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SqliteException)
            {
                // Busy or interrupted: the next round checkpoints what this one could not.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        await _connection.DisposeAsync();
    }
}
