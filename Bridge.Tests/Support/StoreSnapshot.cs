using Microsoft.Data.Sqlite;

namespace Bridge.Tests.Support;

/// <summary>
/// Row count and highest rowid of every table of a bridge's SQLite files (store and embedded broker), to prove that a refused
/// request stored nothing: an insert, even one later deleted, moves the highest rowid.
/// </summary>
public sealed record StoreSnapshot(IReadOnlyDictionary<string, string> Tables)
{
    private static readonly string[] Files = ["bridge.db", "broker.db"];

    /// <summary>Takes a snapshot of the SQLite files in <paramref name="dataDirectory"/> (read-only, while the bridge runs).</summary>
    public static StoreSnapshot Take(string dataDirectory)
    {
        var tables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Files.Where(f => File.Exists(Path.Combine(dataDirectory, f))))
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, file)};Mode=ReadOnly;Pooling=False");
            connection.Open();
            foreach (var (table, withoutRowId) in TablesOf(connection))
            {
                using var command = connection.CreateCommand();
                command.CommandText = withoutRowId
                    ? $"SELECT COUNT(*) || '' FROM \"{table}\""
                    : $"SELECT COUNT(*) || '/' || COALESCE(MAX(rowid), 0) FROM \"{table}\"";
                tables[$"{file}:{table}"] = (string)command.ExecuteScalar()!;
            }
        }
        return new StoreSnapshot(tables);
    }

    /// <summary>
    /// Waits until earlier accepted events have settled: the store records at least as many delivery attempts as
    /// <paramref name="delivered"/> counts calls at the receiver (audit rows are written in batches, after the call),
    /// and neither the files nor that count changed over two polls a tenth of a second apart. After
    /// <paramref name="timeout"/> it returns what it has. A change after this can only be a later request's.
    /// </summary>
    public static async Task<(StoreSnapshot Store, int Delivered)> SettledAsync(string dataDirectory, Func<int> delivered, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        var deadline = DateTime.UtcNow + timeout;
        var store = Take(dataDirectory);
        var count = delivered();
        var stable = 0;
        while (true)
        {
            await Task.Delay(100);
            var later = Take(dataDirectory);
            var laterCount = delivered();
            stable = later.Tables.SequenceEqual(store.Tables) && laterCount == count ? stable + 1 : 0;
            if ((stable >= 2 && later.Attempts >= laterCount) || DateTime.UtcNow > deadline)
            {
                return (later, laterCount);
            }
            (store, count) = (later, laterCount);
        }
    }

    /// <summary>Delivery attempts recorded in the store (0 before its first).</summary>
    private int Attempts =>
        Tables.TryGetValue("bridge.db:delivery_attempts", out var value) && int.TryParse(value.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : 0;

    /// <summary>Fails, naming the tables, when <paramref name="later"/> differs from this snapshot.</summary>
    public void AssertUnchanged(StoreSnapshot later, string what)
    {
        ArgumentNullException.ThrowIfNull(later);
        var changed = Tables.Keys.Union(later.Tables.Keys)
            .Where(t => Tables.GetValueOrDefault(t) != later.Tables.GetValueOrDefault(t))
            .Select(t => $"{t}: {Tables.GetValueOrDefault(t) ?? "(none)"} -> {later.Tables.GetValueOrDefault(t) ?? "(none)"}")
            .ToList();
        Assert.True(changed.Count == 0, $"{what}: the store changed: {string.Join("; ", changed)}");
    }

    private static List<(string Table, bool WithoutRowId)> TablesOf(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'bridge_schema_migrations'";
        using var reader = command.ExecuteReader();
        var tables = new List<(string, bool)>();
        while (reader.Read())
        {
            tables.Add((reader.GetString(0), reader.GetString(1).Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase)));
        }
        return tables;
    }
}
