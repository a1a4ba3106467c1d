using System.Diagnostics;
using Bridge.Store;
using Bridge.Store.Providers;
using Bridge.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Tests.Store;

/// <summary>
/// The store's SQLite connections wait for another connection's write lock in SQLite's own busy handler, which
/// retries within milliseconds, not in Microsoft.Data.Sqlite's retry loop, which sleeps 150 ms per try (the outbox
/// writer, the outbox dispatcher and the audit writer share one file, so a commit often meets another's lock).
/// </summary>
public sealed class SqliteLockWaitTests
{
    [Fact]
    public async Task Store_connections_have_a_busy_timeout()
    {
        using var directory = new TestDirectory();
        await using var db = Context($"Data Source={Path.Combine(directory.Path, "store.db")}");
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout";
        Assert.Equal((long)Bridge.Store.Providers.Sqlite.SqliteBusyTimeout.Milliseconds, (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task A_write_blocked_by_a_short_transaction_goes_on_soon_after_it_commits()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        var connectionString = $"Data Source={Path.Combine(directory.Path, "store.db")}";
        await using var holder = new SqliteConnection(connectionString);
        await holder.OpenAsync(cancellation);
        await Execute(holder, "PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER);");

        // The middle of three, so one slow moment of a busy machine does not decide: the old retry loop slept 150 ms per try.
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            await using var db = Context(connectionString);
            await db.Database.OpenConnectionAsync(cancellation);
            await using var transaction = holder.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: holds the write lock
            var clock = Stopwatch.StartNew();
            var blocked = Task.Run(() => db.Database.ExecuteSqlRawAsync("INSERT INTO t VALUES (1)", cancellation), cancellation);
            await Task.Delay(10, cancellation);
            await transaction.CommitAsync(cancellation);
            await blocked;
            waits.Add(clock.Elapsed);
        }

        var described = $"waits: {string.Join(", ", waits.Select(w => $"{w.TotalMilliseconds:0} ms"))}";
        TestContext.Current.TestOutputHelper?.WriteLine(described);
        Assert.True(waits.Order().ElementAt(1) < TimeSpan.FromMilliseconds(120), described);
    }

    private static BridgeDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<BridgeDbContext>();
        StoreProviders.Resolve("sqlite").Configure(options, connectionString);
        return new BridgeDbContext(options.Options);
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
