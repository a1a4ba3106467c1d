namespace Bridge.Tests.Store;

/// <summary>Tables, columns, keys and indexes as a database's catalog (or the EF model) describes them.</summary>
internal sealed record DatabaseSchema(IReadOnlyDictionary<string, TableSchema> Tables);

/// <summary>One table: columns by name, primary-key columns in order, indexes by name.</summary>
internal sealed record TableSchema(
    IReadOnlyDictionary<string, ColumnSchema> Columns,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyDictionary<string, IndexSchema> Indexes);

/// <summary>A column's store type and nullability.</summary>
internal sealed record ColumnSchema(string StoreType, bool Nullable);

/// <summary>An index's columns in order and whether it is unique.</summary>
internal sealed record IndexSchema(IReadOnlyList<string> Columns, bool Unique)
{
    public override string ToString() => $"{(Unique ? "unique " : "")}({string.Join(", ", Columns)})";
}

/// <summary>Collects a schema table by table while reading a catalog.</summary>
internal sealed class SchemaBuilder
{
    private readonly SortedDictionary<string, (Dictionary<string, ColumnSchema> Columns, List<string> Key, Dictionary<string, IndexSchema> Indexes)> _tables = new(StringComparer.Ordinal);

    public void Table(string table) => _tables.TryAdd(table, (new(StringComparer.Ordinal), [], new(StringComparer.Ordinal)));

    public void Column(string table, string column, string storeType, bool nullable)
    {
        Table(table);
        _tables[table].Columns[column] = new ColumnSchema(storeType, nullable);
    }

    public void KeyColumn(string table, string column)
    {
        Table(table);
        _tables[table].Key.Add(column);
    }

    public void Index(string table, string name, IReadOnlyList<string> columns, bool unique)
    {
        Table(table);
        _tables[table].Indexes[name] = new IndexSchema(columns, unique);
    }

    public DatabaseSchema Build() => new(_tables.ToDictionary(
        t => t.Key,
        t => new TableSchema(t.Value.Columns, t.Value.Key, t.Value.Indexes),
        StringComparer.Ordinal));
}
