using System.Data;
using System.Data.Common;
using System.Globalization;
using Bridge.Store.Providers;
using Microsoft.Extensions.Logging;

namespace Bridge.Store.Migrations;

/// <summary>
/// Brings a database to the latest schema of this build: applies each pending script in its own transaction, under
/// the provider's migration lock, and records it in <c>bridge_schema_migrations</c>. Refuses a database whose applied
/// scripts changed or that a newer build migrated.
/// </summary>
internal sealed partial class StoreMigrator(IStoreProvider provider, IReadOnlyList<MigrationScript> scripts, TimeProvider timeProvider, ILogger<StoreMigrator> logger)
{
    /// <summary>The history table: one row per applied script.</summary>
    public const string HistoryTable = "bridge_schema_migrations";

    /// <summary>The scripts this migrator applies, by version.</summary>
    public IReadOnlyList<MigrationScript> Scripts => scripts;

    /// <summary>Applies every pending script; returns the versions it applied (none when another process did).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await provider.PrepareAsync(connection, cancellationToken);
            var applied = new List<int>();
            while (await ApplyNextAsync(connection, cancellationToken) is { } version)
            {
                applied.Add(version);
            }
            return applied;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>Applies the first pending script under the lock; null when there is none.</summary>
    private async Task<int?> ApplyNextAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await provider.BeginLockedTransactionAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction, provider.CreateHistoryTableSql, cancellationToken);
        var history = await ReadHistoryAsync(connection, transaction, cancellationToken);
        Verify(history);

        var next = scripts.FirstOrDefault(s => !history.ContainsKey(s.Version));
        if (next is null)
        {
            await transaction.CommitAsync(cancellationToken);
            LogUpToDate(logger, provider.Name, history.Count == 0 ? 0 : history.Keys.Max());
            return null;
        }

        var started = timeProvider.GetTimestamp();
        try
        {
            await ExecuteAsync(connection, transaction, next.Sql, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new StoreMigrationException($"Store migration {next} failed on {provider.Name}: {ex.Message}", ex);
        }

        await RecordAsync(connection, transaction, next, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogApplied(logger, next.Version, next.Name, provider.Name, (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return next.Version;
    }

    private void Verify(IReadOnlyDictionary<int, Applied> history)
    {
        var latest = scripts.Count == 0 ? 0 : scripts[^1].Version;
        foreach (var (version, applied) in history)
        {
            if (version > latest)
            {
                throw new StoreMigrationException(
                    $"The store database is at schema version {history.Keys.Max()} ({provider.Name}), newer than this build knows " +
                    $"(latest {latest}): it was migrated by a newer build. Run that build or a newer one; Bridge does not downgrade a schema.");
            }

            var script = scripts.FirstOrDefault(s => s.Version == version)
                ?? throw new StoreMigrationException($"The store database records migration {version:D4} ({applied.Name}), which this build does not have.");
            if (!string.Equals(script.Checksum, applied.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                throw new StoreMigrationException(
                    $"Store migration {script} was applied with checksum {applied.Checksum}, but this build's script has {script.Checksum}. " +
                    "A migration script must never change once applied: restore it and add a new migration for the change.");
            }
        }
    }

    private static async Task<Dictionary<int, Applied>> ReadHistoryAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT version, name, checksum FROM {HistoryTable} ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var history = new Dictionary<int, Applied>();
        while (await reader.ReadAsync(cancellationToken))
        {
            history[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)] = new Applied(reader.GetString(1), reader.GetString(2));
        }
        return history;
    }

    private async Task RecordAsync(DbConnection connection, DbTransaction transaction, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {HistoryTable} (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, @applied_at)";
        Add(command, "@version", script.Version);
        Add(command, "@name", script.Name);
        Add(command, "@checksum", script.Checksum);
        Add(command, "@applied_at", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);

        static void Add(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0; // a migration may take long on a big table; it runs to the end
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record Applied(string Name, string Checksum);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied store migration {Version} ({Name}) on {Provider} in {ElapsedMs} ms")]
    private static partial void LogApplied(ILogger logger, int version, string name, string provider, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store schema is up to date on {Provider} (version {Version})")]
    private static partial void LogUpToDate(ILogger logger, string provider, int version);
}
