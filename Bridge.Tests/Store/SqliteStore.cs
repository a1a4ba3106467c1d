using System.Data.Common;
using Bridge.Store.Providers;
using Bridge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Bridge.Tests.Store;

/// <summary>SQLite under test: each database a new file in a temp directory; the catalog read with pragmas.</summary>
internal sealed class SqliteStore : StoreUnderTest
{
    private readonly TestDirectory _directory = new();

    public override IStoreProvider Provider { get; } = StoreProviders.Resolve("sqlite");

    private readonly List<string> _databases = [];

    public override Task<string> CreateDatabaseAsync()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.Path, Guid.NewGuid().ToString("N") + ".db")}";
        _databases.Add(connectionString);
        return Task.FromResult(connectionString);
    }

    public override string NormaliseType(string storeType) => storeType.Trim().ToUpperInvariant();

    public override async Task<DatabaseSchema> ReadSchemaAsync(DbConnection connection)
    {
        var schema = new SchemaBuilder();
        var tables = await QueryAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        foreach (var table in tables.Select(t => (string)t[0]!))
        {
            schema.Table(table);
            var columns = await QueryAsync(connection, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(@table) ORDER BY cid", ("@table", table));
            foreach (var column in columns)
            {
                schema.Column(table, (string)column[0]!, (string)column[1]!, (long)column[2]! == 0);
            }
            foreach (var key in columns.Where(c => (long)c[3]! > 0).OrderBy(c => (long)c[3]!))
            {
                schema.KeyColumn(table, (string)key[0]!);
            }

            // Indexes SQLite makes for a primary key ('pk') are the key itself, compared above.
            var indexes = await QueryAsync(connection, "SELECT name, \"unique\" FROM pragma_index_list(@table) WHERE origin <> 'pk'", ("@table", table));
            foreach (var index in indexes)
            {
                var name = (string)index[0]!;
                var indexColumns = await QueryAsync(connection, "SELECT name FROM pragma_index_info(@index) ORDER BY seqno", ("@index", name));
                schema.Index(table, name, [.. indexColumns.Select(c => (string)c[0]!)], (long)index[1]! == 1);
            }
        }
        return schema.Build();
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var connectionString in _databases)
        {
            await using var pooled = new SqliteConnection(connectionString);
            SqliteConnection.ClearPool(pooled);
        }
        _directory.Dispose();
    }
}
