using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bridge.Store;

/// <summary>
/// Inserts many new rows of one entity type with <c>INSERT … VALUES (…)</c> statements (many rows each on a server, one
/// prepared row re-run on SQLite) on the context's connection and transaction, without change tracking and without reading generated keys back. Table, columns, quoting
/// and value conversions come from the EF model and the provider, so it writes exactly what <c>SaveChanges</c> would,
/// on every store provider. Generated keys (the identity <c>Id</c>) are left to the database.
/// </summary>
public static class BulkInsert
{
    /// <summary>Parameters per statement: below SQL Server's limit of 2,100, far below SQLite's and PostgreSQL's.</summary>
    private const int ParameterBudget = 2000;

    public static async Task InsertAsync<T>(BridgeDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var table = Table.Of<T>(db);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var perStatement = OneRowPerStatement(db) ? 1 : Math.Max(1, ParameterBudget / table.Columns.Count);
        DbCommand? command = null;
        try
        {
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                var sql = table.InsertSql(count);
                if (command?.CommandText != sql)
                {
                    // A new statement only when the row count changes: the provider keeps the prepared one otherwise.
                    await DisposeAsync(command);
                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = sql;
                }

                command.Parameters.Clear();
                var index = 0;
                for (var row = start; row < start + count; row++)
                {
                    foreach (var column in table.Columns)
                    {
                        command.Parameters.Add(column.Mapping.CreateParameter(command, table.ParameterNames[index++], column.Getter.GetClrValueUsingContainingEntity(rows[row]), column.Property.IsNullable));
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await DisposeAsync(command);
        }
    }

    /// <summary>
    /// SQLite runs in-process, so a statement costs no round trip, and Microsoft.Data.Sqlite binds each parameter by a
    /// search through the statement's parameters (quadratic for a statement of hundreds of them): one prepared
    /// single-row statement run again per row is the fastest there. Servers get multi-row statements.
    /// </summary>
    private static bool OneRowPerStatement(BridgeDbContext db) =>
        string.Equals(db.Database.ProviderName, "Microsoft.EntityFrameworkCore.Sqlite", StringComparison.Ordinal);

    private static async ValueTask DisposeAsync(DbCommand? command)
    {
        if (command is not null)
        {
            await command.DisposeAsync();
        }
    }

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter);

    /// <summary>An entity type's table and inserted columns, worked out once per model and type.</summary>
    private sealed class Table
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IModel, Type), Table> Cache = new();
        private readonly string _prefix;
        private readonly string[] _placeholders;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _statements = new();

        private Table(BridgeDbContext db, IEntityType entity)
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            Columns = [.. entity.GetProperties()
                .Where(p => p.ValueGenerated == ValueGenerated.Never)
                .Select(p => new Column(p, p.GetRelationalTypeMapping(), p.GetGetter()))];
            var names = string.Join(", ", Columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)));
            _prefix = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ";
            ParameterNames = [.. Enumerable.Range(0, ParameterBudget).Select(i => "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            _placeholders = [.. ParameterNames.Select(sql.GenerateParameterNamePlaceholder)];
        }

        public IReadOnlyList<Column> Columns { get; }

        /// <summary>The parameter names of a statement, in order (<c>p0</c>, <c>p1</c>, …), made once rather than per value.</summary>
        public IReadOnlyList<string> ParameterNames { get; }

        public static Table Of<T>(BridgeDbContext db) =>
            Cache.GetOrAdd((db.Model, typeof(T)), key => new Table(db, db.Model.FindEntityType(key.Item2)
                ?? throw new InvalidOperationException($"{key.Item2.Name} is not part of the store's model.")));

        public string InsertSql(int rows) => _statements.GetOrAdd(rows, count =>
        {
            var text = new StringBuilder(_prefix);
            var index = 0;
            for (var row = 0; row < count; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < Columns.Count; column++)
                {
                    text.Append(column == 0 ? "" : ", ").Append(_placeholders[index++]);
                }
                text.Append(')');
            }
            return text.ToString();
        });
    }
}
