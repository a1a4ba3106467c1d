using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store.Providers.PostgreSql;

/// <summary>PostgreSQL (Npgsql); the migration lock is a transaction-scoped advisory lock (<c>pg_advisory_xact_lock</c>).</summary>
internal sealed class PostgreSqlStoreProvider : IStoreProvider
{
    /// <summary>The advisory lock key of Bridge's migrations: "bridgemi" in ASCII, so it cannot collide by accident.</summary>
    internal const long MigrationLockKey = 0x6272_6964_6765_6D69;

    public string Name => "postgresql";

    public string MigrationsResourcePrefix => "PostgreSql/Migrations/";

    public string? DefaultConnectionString => null;

    public string CreateHistoryTableSql => """
        CREATE TABLE IF NOT EXISTS bridge_schema_migrations (
            version integer NOT NULL PRIMARY KEY,
            name character varying(256) NOT NULL,
            checksum character varying(64) NOT NULL,
            applied_at bigint NOT NULL
        );
        """;

    public void Configure(DbContextOptionsBuilder builder, string connectionString) => builder.UseNpgsql(connectionString);

    public Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<DbTransaction> BeginLockedTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        LockedTransactions.BeginAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey});", cancellationToken);
}
