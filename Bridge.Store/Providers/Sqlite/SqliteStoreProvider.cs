using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store.Providers.Sqlite;

/// <summary>SQLite: one file in WAL mode; the migration lock is the database's write lock (<c>BEGIN IMMEDIATE</c>).</summary>
internal sealed class SqliteStoreProvider : IStoreProvider
{
    private static readonly SqliteBusyTimeout BusyTimeout = new();

    public string Name => "sqlite";

    public string MigrationsResourcePrefix => "Sqlite/Migrations/";

    public string? DefaultConnectionString => "Data Source=data/bridge.db";

    public string CreateHistoryTableSql => """
        CREATE TABLE IF NOT EXISTS "bridge_schema_migrations" (
            "version" INTEGER NOT NULL PRIMARY KEY,
            "name" TEXT NOT NULL,
            "checksum" TEXT NOT NULL,
            "applied_at" INTEGER NOT NULL
        );
        """;

    public void Configure(DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        builder.UseSqlite(csb.ToString()).AddInterceptors(BusyTimeout);
    }

    public async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<DbTransaction> BeginLockedTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Not deferred = BEGIN IMMEDIATE: takes the write lock now; a second migrator waits (busy timeout) until it is free.
        var sqlite = (SqliteConnection)connection;
        return Task.FromResult<DbTransaction>(sqlite.BeginTransaction(deferred: false));
    }
}
