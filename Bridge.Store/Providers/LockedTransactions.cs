using System.Data.Common;

namespace Bridge.Store.Providers;

/// <summary>For providers whose migration lock is taken by a statement inside the migration transaction.</summary>
public static class LockedTransactions
{
    /// <summary>
    /// Begins a transaction on an open connection and runs <paramref name="lockSql"/> in it, waiting as long as it takes
    /// (another process may be migrating); the lock ends with the transaction.
    /// </summary>
    public static async Task<DbTransaction> BeginAsync(DbConnection connection, string lockSql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = lockSql;
            command.CommandTimeout = 0; // wait for as long as another process migrates
            await command.ExecuteNonQueryAsync(cancellationToken);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }
}
