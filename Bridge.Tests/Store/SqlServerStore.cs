using System.Data.Common;
using Bridge.Store.Providers;
using Bridge.Store.SqlServer;
using Microsoft.Data.SqlClient;

namespace Bridge.Tests.Store;

/// <summary>
/// SQL Server (or Azure SQL) under test, when <see cref="Variable"/> gives a server's connection string: each database
/// new on it (the login needs the right to create databases), dropped at the end; the catalog read from
/// INFORMATION_SCHEMA and sys.indexes. Without the variable every test is skipped, saying so: no stand-in runs instead.
/// </summary>
internal sealed class SqlServerStore : StoreUnderTest
{
    /// <summary>The environment variable naming the server.</summary>
    public const string Variable = "BRIDGE_TEST_SQLSERVER";

    private readonly List<string> _databases = [];

    public override IStoreProvider Provider { get; } = new SqlServerStoreProvider();

    public override async Task<string> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(server))
        {
            Assert.Skip($"No SQL Server: set {Variable} to a SQL Server or Azure SQL connection string whose login may create databases "
                + "(e.g. Server=127.0.0.1,1433;User ID=sa;Password=…;TrustServerCertificate=true) to run the store behaviour suite on it.");
        }

        var name = "bridge_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new SqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE [{name}]";
            await command.ExecuteNonQueryAsync();
        }

        var connectionString = new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ConnectionString;
        _databases.Add(connectionString);
        return connectionString;
    }

    /// <summary>Lower case without spaces; the catalog's length -1 is <c>max</c>.</summary>
    public override string NormaliseType(string storeType) => storeType.Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Replace("(-1)", "(max)", StringComparison.Ordinal);

    public override async Task<DatabaseSchema> ReadSchemaAsync(DbConnection connection)
    {
        var schema = new SchemaBuilder();
        await ReadInformationSchemaAsync(connection, "SCHEMA_NAME()", schema);

        foreach (var key in await QueryAsync(connection, """
            SELECT t.name, c.name
            FROM sys.indexes i
            JOIN sys.tables t ON t.object_id = i.object_id
            JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
            JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
            WHERE t.schema_id = SCHEMA_ID() AND i.is_primary_key = 1
            ORDER BY t.name, ic.key_ordinal
            """))
        {
            schema.KeyColumn((string)key[0]!, (string)key[1]!);
        }

        // Key columns only (not INCLUDE columns), in key order; the index behind the primary key is the key itself, read above.
        var indexes = await QueryAsync(connection, """
            SELECT t.name, i.name, c.name, i.is_unique
            FROM sys.indexes i
            JOIN sys.tables t ON t.object_id = i.object_id
            JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
            JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
            WHERE t.schema_id = SCHEMA_ID() AND i.is_primary_key = 0 AND i.type > 0 AND ic.is_included_column = 0
            ORDER BY t.name, i.name, ic.key_ordinal
            """);
        foreach (var index in indexes.GroupBy(r => ((string)r[0]!, (string)r[1]!)))
        {
            schema.Index(index.Key.Item1, index.Key.Item2, [.. index.Select(r => (string)r[2]!)], (bool)index.First()[3]!);
        }
        return schema.Build();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } server || _databases.Count == 0)
        {
            return;
        }

        await using var connection = new SqlConnection(server);
        await connection.OpenAsync();
        foreach (var database in _databases.Select(cs => new SqlConnectionStringBuilder(cs)))
        {
            await using (var pooled = new SqlConnection(database.ConnectionString))
            {
                SqlConnection.ClearPool(pooled);
            }
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS [{database.InitialCatalog}]";
            await command.ExecuteNonQueryAsync();
        }
    }
}
