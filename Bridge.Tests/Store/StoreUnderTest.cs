using System.Data.Common;
using Bridge.Store;
using Bridge.Store.Migrations;
using Bridge.Store.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Store;

/// <summary>One provider under test: fresh databases, its catalog, and how its store types compare.</summary>
internal abstract class StoreUnderTest : IAsyncDisposable
{
    public abstract IStoreProvider Provider { get; }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public abstract Task<string> CreateDatabaseAsync();

    /// <summary>The schema as the database's own catalog describes it.</summary>
    public abstract Task<DatabaseSchema> ReadSchemaAsync(DbConnection connection);

    /// <summary>A store type in a form that compares equal to the same type written differently.</summary>
    public abstract string NormaliseType(string storeType);

    public abstract ValueTask DisposeAsync();

    public BridgeDbContext CreateContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<BridgeDbContext>();
        Provider.Configure(options, connectionString);
        return new BridgeDbContext(options.Options);
    }

    public IReadOnlyList<MigrationScript> Scripts => MigrationScripts.Load(Provider);

    public StoreMigrator Migrator(IReadOnlyList<MigrationScript>? scripts = null) =>
        new(Provider, scripts ?? Scripts, TimeProvider.System, NullLogger<StoreMigrator>.Instance);

    /// <summary>Migrates the database with <paramref name="migrator"/> (this build's scripts by default) on a connection of its own.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(string connectionString, StoreMigrator? migrator = null)
    {
        await using var db = CreateContext(connectionString);
        return await (migrator ?? Migrator()).MigrateAsync(db.Database.GetDbConnection(), TestContext.Current.CancellationToken);
    }

    public async Task<DatabaseSchema> ReadSchemaAsync(string connectionString)
    {
        await using var db = CreateContext(connectionString);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        return await ReadSchemaAsync(connection);
    }

    /// <summary>Runs SQL and returns every row.</summary>
    public async Task<IReadOnlyList<object?[]>> QueryAsync(string connectionString, string sql)
    {
        await using var db = CreateContext(connectionString);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        return await QueryAsync(connection, sql);
    }

    /// <summary>
    /// Reads the base tables and their columns (type with its length, <c>max</c> for SQL Server's -1; nullability) from
    /// INFORMATION_SCHEMA, which PostgreSQL and SQL Server share; <paramref name="currentSchema"/> is the dialect's
    /// function naming the connection's schema.
    /// </summary>
    private protected static async Task ReadInformationSchemaAsync(DbConnection connection, string currentSchema, SchemaBuilder schema)
    {
        foreach (var table in await QueryAsync(connection,
            $"SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = {currentSchema} AND TABLE_TYPE = 'BASE TABLE'"))
        {
            schema.Table((string)table[0]!);
        }

        foreach (var column in await QueryAsync(connection, $"""
            SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.CHARACTER_MAXIMUM_LENGTH, c.IS_NULLABLE
            FROM INFORMATION_SCHEMA.COLUMNS c
            JOIN INFORMATION_SCHEMA.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
            WHERE c.TABLE_SCHEMA = {currentSchema} AND t.TABLE_TYPE = 'BASE TABLE'
            ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION
            """))
        {
            var type = column[3] is int length ? $"{column[2]}({(length < 0 ? "max" : length)})" : (string)column[2]!;
            schema.Column((string)column[0]!, (string)column[1]!, type, (string)column[4]! == "YES");
        }
    }

    public static async Task<IReadOnlyList<object?[]>> QueryAsync(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }
}
