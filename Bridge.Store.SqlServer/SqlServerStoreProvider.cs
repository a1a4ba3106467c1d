using System.Data.Common;
using Bridge.Store.Providers;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store.SqlServer;

/// <summary>
/// SQL Server and Azure SQL (<c>Bridge:Store:Provider</c> = <c>sqlserver</c>). Text columns compare ordinally
/// (binary collation) as on SQLite and PostgreSQL; the migration lock is a transaction-owned application lock
/// (<c>sp_getapplock</c>). Transactions are Bridge's own, so EF's retrying execution strategy is not used: a failed
/// write surfaces to the caller, which retries where the operation allows it.
/// </summary>
public sealed class SqlServerStoreProvider : IStoreProvider
{
    /// <summary>The name of the application lock migrations hold.</summary>
    internal const string MigrationLock = "bridge-schema-migrations";

    /// <summary>The value of <c>Bridge:Store:Provider</c> that selects it.</summary>
    public const string ProviderName = "sqlserver";

    /// <inheritdoc />
    public string Name => ProviderName;

    /// <inheritdoc />
    public string MigrationsResourcePrefix => "SqlServer/Migrations/";

    /// <inheritdoc />
    public string? DefaultConnectionString => null;

    /// <inheritdoc />
    public string CreateHistoryTableSql => """
        IF OBJECT_ID(N'bridge_schema_migrations', N'U') IS NULL
        CREATE TABLE bridge_schema_migrations (
            version int NOT NULL PRIMARY KEY,
            name nvarchar(256) NOT NULL,
            checksum nvarchar(64) NOT NULL,
            applied_at bigint NOT NULL
        );
        """;

    /// <summary>
    /// Inserts the claim unless the key is there; the range lock taken by <c>UPDLOCK, HOLDLOCK</c> makes a concurrent
    /// claim of the same key wait and then find the row, instead of failing on the primary key.
    /// </summary>
    public string InsertIdempotencyClaimSql => """
        INSERT INTO "idempotency_keys" ("Scope", "Topic", "Key", "Fingerprint", "State", "ClaimToken", "CreatedAt", "LeaseExpiresAt", "ExpiresAt")
        SELECT {0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}
        WHERE NOT EXISTS (
            SELECT 1 FROM "idempotency_keys" WITH (UPDLOCK, HOLDLOCK)
            WHERE "Scope" = {0} AND "Topic" = {1} AND "Key" = {2})
        """;

    /// <inheritdoc />
    public void Configure(DbContextOptionsBuilder builder, string connectionString) => builder.UseSqlServer(connectionString);

    /// <inheritdoc />
    public Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<DbTransaction> BeginLockedTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        LockedTransactions.BeginAsync(connection, $"EXEC sp_getapplock @Resource = N'{MigrationLock}', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1;", cancellationToken);
}
