using System.Data.Common;
using System.Reflection;
using Bridge.Store.Idempotency;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Store.Providers;

/// <summary>
/// Everything that differs between the databases the store runs on. Each provider lives in its own folder under
/// <c>Providers/</c>: a class implementing this interface and its <c>Migrations/NNNN_name.sql</c> scripts (embedded).
/// A provider built with Bridge is listed in <see cref="StoreProviders"/>; one shipped in another assembly (the Azure
/// edition's SQL Server provider) embeds its scripts in its own assembly and is added with
/// <see cref="StoreExtensions.AddBridgeStoreProvider"/> before the store is registered.
/// </summary>
public interface IStoreProvider
{
    /// <summary>The value of <c>Bridge:Store:Provider</c> that selects it (lower case).</summary>
    string Name { get; }

    /// <summary>Where its migration scripts are among the embedded resources of <see cref="MigrationsAssembly"/>, e.g. <c>Sqlite/Migrations/</c>.</summary>
    string MigrationsResourcePrefix { get; }

    /// <summary>The assembly embedding its migration scripts: by default the provider's own.</summary>
    Assembly MigrationsAssembly => GetType().Assembly;

    /// <summary>
    /// Inserts an idempotency claim unless the key is there (see <see cref="IdempotencyTable.InsertClaimSql"/> for the
    /// parameters), without failing when a concurrent request inserts it first: affects one row or none.
    /// </summary>
    string InsertIdempotencyClaimSql => IdempotencyTable.InsertClaimSql;

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
