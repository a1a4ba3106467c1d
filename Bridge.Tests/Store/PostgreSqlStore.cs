using System.Data.Common;
using System.Text.RegularExpressions;
using Bridge.Store.Providers;
using Npgsql;

namespace Bridge.Tests.Store;

/// <summary>PostgreSQL under test: each database new on the shared server; the catalog read from information_schema and pg_indexes.</summary>
internal sealed partial class PostgreSqlStore : StoreUnderTest
{
    private readonly List<string> _databases = [];

    public override IStoreProvider Provider { get; } = StoreProviders.Resolve("postgresql");

    public override async Task<string> CreateDatabaseAsync()
    {
        var connectionString = await SharedPostgreSql.CreateDatabaseAsync();
        _databases.Add(connectionString);
        return connectionString;
    }

    public override string NormaliseType(string storeType)
    {
        var type = storeType.Trim().ToLowerInvariant();
        type = VarChar().Replace(type, "character varying(");
        return type switch
        {
            "int" or "int4" => "integer",
            "int8" => "bigint",
            "float8" => "double precision",
            "bool" => "boolean",
            _ => type,
        };
    }

    public override async Task<DatabaseSchema> ReadSchemaAsync(DbConnection connection)
    {
        var schema = new SchemaBuilder();
        await ReadInformationSchemaAsync(connection, "current_schema()", schema);

        var keyConstraints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in await QueryAsync(connection, """
            SELECT tc.table_name, kcu.column_name, tc.constraint_name
            FROM information_schema.table_constraints tc
            JOIN information_schema.key_column_usage kcu
              ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name AND kcu.table_name = tc.table_name
            WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
            ORDER BY tc.table_name, kcu.ordinal_position
            """))
        {
            schema.KeyColumn((string)key[0]!, (string)key[1]!);
            keyConstraints.Add((string)key[2]!);
        }

        // The index behind a primary key is the key itself, compared above.
        foreach (var index in await QueryAsync(connection, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"))
        {
            var name = (string)index[1]!;
            if (keyConstraints.Contains(name))
            {
                continue;
            }

            var definition = (string)index[2]!;
            var columns = IndexColumns().Match(definition).Groups[1].Value.Split(',').Select(c => c.Trim().Trim('"')).ToList();
            schema.Index((string)index[0]!, name, columns, definition.StartsWith("CREATE UNIQUE INDEX", StringComparison.Ordinal));
        }
        return schema.Build();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_databases.Count == 0)
        {
            return;
        }

        var server = await SharedPostgreSql.GetAsync();
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        foreach (var database in _databases.Select(cs => new NpgsqlConnectionStringBuilder(cs)))
        {
            await using (var pooled = new NpgsqlConnection(database.ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{database.Database}\" WITH (FORCE)";
            await command.ExecuteNonQueryAsync();
        }
    }

    [GeneratedRegex(@"^varchar\(")]
    private static partial Regex VarChar();

    [GeneratedRegex(@"\(([^()]*)\)\s*$")]
    private static partial Regex IndexColumns();
}
