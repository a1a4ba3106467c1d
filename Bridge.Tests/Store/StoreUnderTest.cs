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
