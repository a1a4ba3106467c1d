using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store.Providers;

/// <summary>
/// Everything that differs between the databases the store runs on. Each provider lives in its own folder under
/// <c>Providers/</c>: a class implementing this interface and its <c>Migrations/NNNN_name.sql</c> scripts (embedded).
/// Adding a provider (say SQL Server) means adding such a folder and listing the class in <see cref="StoreProviders"/>.
/// </summary>
internal interface IStoreProvider
{
    /// <summary>The value of <c>Bridge:Store:Provider</c> that selects it (lower case).</summary>
    string Name { get; }

    /// <summary>Where its migration scripts are among the assembly's embedded resources, e.g. <c>Sqlite/Migrations/</c>.</summary>
    string MigrationsResourcePrefix { get; }

    /// <summary>Creates the migration history table if it does not exist (run while the migration lock is held).</summary>
    string CreateHistoryTableSql { get; }

    /// <summary>Points <paramref name="builder"/> at the database of <paramref name="connectionString"/>.</summary>
    void Configure(DbContextOptionsBuilder builder, string connectionString);

    /// <summary>The connection string to use when none is configured, or null when one is required.</summary>
    string? DefaultConnectionString { get; }

    /// <summary>Settings made on an open connection before migrating, outside any transaction.</summary>
    Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Begins a transaction on an open connection that holds the database-wide migration lock until it ends, so that
    /// only one process migrates at a time; others wait for it.
    /// </summary>
    Task<DbTransaction> BeginLockedTransactionAsync(DbConnection connection, CancellationToken cancellationToken);
}
