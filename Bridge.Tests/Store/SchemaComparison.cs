using Bridge.Store.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Bridge.Tests.Store;

/// <summary>What the EF model expects of the database, and every way a migrated database differs from it.</summary>
internal static class SchemaComparison
{
    /// <summary>The schema the model maps to: tables, columns with store types, keys and indexes.</summary>
    public static DatabaseSchema Expected(IModel model)
    {
        var schema = new SchemaBuilder();
        foreach (var table in model.GetRelationalModel().Tables)
        {
            schema.Table(table.Name);
            foreach (var column in table.Columns)
            {
                schema.Column(table.Name, column.Name, column.StoreType, column.IsNullable);
            }
            foreach (var column in table.PrimaryKey?.Columns ?? [])
            {
                schema.KeyColumn(table.Name, column.Name);
            }
            foreach (var index in table.Indexes)
            {
                schema.Index(table.Name, index.Name, [.. index.Columns.Select(c => c.Name)], index.IsUnique);
            }
        }
        return schema.Build();
    }

    /// <summary>Every difference, one readable line each; <paramref name="normalise"/> makes store types comparable.</summary>
    public static IReadOnlyList<string> Differences(DatabaseSchema model, DatabaseSchema database, Func<string, string> normalise)
    {
        var differences = new List<string>();
        foreach (var (name, expected) in model.Tables)
        {
            if (!database.Tables.TryGetValue(name, out var actual))
            {
                differences.Add($"table {name}: in the model, missing in the database");
                continue;
            }

            Compare(name, expected, actual, normalise, differences);
        }

        foreach (var name in database.Tables.Keys.Where(t => !model.Tables.ContainsKey(t) && t != StoreMigrator.HistoryTable))
        {
            differences.Add($"table {name}: in the database, not in the model");
        }
        return differences;
    }

    private static void Compare(string table, TableSchema expected, TableSchema actual, Func<string, string> normalise, List<string> differences)
    {
        foreach (var (name, column) in expected.Columns)
        {
            if (!actual.Columns.TryGetValue(name, out var found))
            {
                differences.Add($"column {table}.{name}: in the model, missing in the database");
                continue;
            }
            if (normalise(column.StoreType) != normalise(found.StoreType))
            {
                differences.Add($"column {table}.{name}: type {column.StoreType} in the model, {found.StoreType} in the database");
            }
            if (column.Nullable != found.Nullable)
            {
                differences.Add($"column {table}.{name}: {Nullability(column.Nullable)} in the model, {Nullability(found.Nullable)} in the database");
            }
        }
        foreach (var name in actual.Columns.Keys.Where(c => !expected.Columns.ContainsKey(c)))
        {
            differences.Add($"column {table}.{name}: in the database, not in the model");
        }

        if (!expected.PrimaryKey.SequenceEqual(actual.PrimaryKey))
        {
            differences.Add($"table {table}: primary key ({string.Join(", ", expected.PrimaryKey)}) in the model, ({string.Join(", ", actual.PrimaryKey)}) in the database");
        }

        foreach (var (name, index) in expected.Indexes)
        {
            if (!actual.Indexes.TryGetValue(name, out var found))
            {
                differences.Add($"index {table}.{name} {index}: in the model, missing in the database");
            }
            else if (index.Unique != found.Unique || !index.Columns.SequenceEqual(found.Columns))
            {
                differences.Add($"index {table}.{name}: {index} in the model, {found} in the database");
            }
        }
        foreach (var (name, index) in actual.Indexes.Where(i => !expected.Indexes.ContainsKey(i.Key)))
        {
            differences.Add($"index {table}.{name} {index}: in the database, not in the model");
        }
    }

    private static string Nullability(bool nullable) => nullable ? "nullable" : "not null";
}
