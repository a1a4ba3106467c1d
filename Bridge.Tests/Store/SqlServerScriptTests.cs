using System.Text.RegularExpressions;
using Bridge.Tests.Support;

namespace Bridge.Tests.Store;

/// <summary>
/// The Azure edition's SQL Server migrations (Bridge.Store.SqlServer/Migrations) describe the same model as the
/// PostgreSQL ones the store tests run against: per script, the same tables, columns, nullability, keys and indexes.
/// No SQL Server runs here, so this is what keeps the third provider from drifting.
/// </summary>
public sealed partial class SqlServerScriptTests
{
    private static readonly string PostgreSql = RepositoryFiles.PathOf("Bridge.Store", "Providers", "PostgreSql", "Migrations");
    private static readonly string SqlServer = RepositoryFiles.PathOf("Bridge.Store.SqlServer", "Migrations");

    public static TheoryData<string> Scripts() => [.. Directory.GetFiles(PostgreSql, "*.sql").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Fact]
    public void SQL_Server_has_exactly_the_scripts_PostgreSQL_has()
    {
        Assert.Equal(
            Directory.GetFiles(PostgreSql, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal),
            Directory.GetFiles(SqlServer, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Each_script_makes_the_same_columns_keys_and_indexes(string script)
    {
        var postgres = Describe(File.ReadAllText(Path.Combine(PostgreSql, script)));
        var sqlServer = Describe(File.ReadAllText(Path.Combine(SqlServer, script)));

        Assert.NotEmpty(postgres);
        Assert.Equal(postgres, sqlServer);
    }

    [Fact]
    public void Every_text_column_compares_ordinally_and_no_PostgreSQL_type_is_left()
    {
        foreach (var file in Directory.GetFiles(SqlServer, "*.sql"))
        {
            var sql = File.ReadAllText(file);
            Assert.DoesNotMatch(@"\b(character varying|bytea|boolean|double precision|GENERATED|text)\b", Code(sql));
            foreach (Match column in NVarChar().Matches(sql))
            {
                Assert.True(column.Value.Contains("COLLATE Latin1_General_100_BIN2", StringComparison.Ordinal), $"{Path.GetFileName(file)}: {column.Value}");
            }
        }
    }

    /// <summary>Columns as "table.column nullability", keys and indexes as "kind name (columns)", in the order written.</summary>
    private static List<string> Describe(string sql)
    {
        var facts = new List<string>();
        var code = Code(sql);
        foreach (Match table in CreateTable().Matches(code))
        {
            foreach (Match column in Column().Matches(table.Groups["body"].Value))
            {
                facts.Add($"{table.Groups["table"].Value}.{column.Groups["name"].Value} {(column.Groups["rest"].Value.Contains("NOT NULL", StringComparison.Ordinal) ? "not null" : "null")}");
            }

            foreach (Match key in PrimaryKey().Matches(table.Groups["body"].Value))
            {
                facts.Add($"key {key.Groups["name"].Value} ({Normalise(key.Groups["columns"].Value)})");
            }
        }

        foreach (Match added in AddColumn().Matches(code))
        {
            facts.Add($"{added.Groups["table"].Value}.{added.Groups["name"].Value} {(added.Groups["rest"].Value.Contains("NOT NULL", StringComparison.Ordinal) ? "not null" : "null")}");
        }

        foreach (Match index in Index().Matches(code))
        {
            facts.Add($"{(index.Groups["unique"].Success ? "unique " : string.Empty)}index {index.Groups["name"].Value} on {index.Groups["table"].Value} ({Normalise(index.Groups["columns"].Value)})");
        }

        return facts;
    }

    private static string Code(string sql) => Comment().Replace(sql, string.Empty);

    private static string Normalise(string columns) => string.Join(",", columns.Split(',').Select(c => c.Trim()));

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"CREATE TABLE (IF NOT EXISTS )?(?<table>\w+) \((?<body>.*?)\n\);", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^\s+""(?<name>\w+)"" (?<rest>[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex Column();

    [GeneratedRegex(@"CONSTRAINT ""(?<name>\w+)"" PRIMARY KEY \((?<columns>[^)]*)\)")]
    private static partial Regex PrimaryKey();

    [GeneratedRegex(@"ALTER TABLE (?<table>\w+) ADD (COLUMN )?""(?<name>\w+)"" (?<rest>[^\n;]*)")]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"CREATE (?<unique>UNIQUE )?INDEX (IF NOT EXISTS )?""(?<name>\w+)"" ON (?<table>\w+) \((?<columns>[^)]*)\)")]
    private static partial Regex Index();

    [GeneratedRegex(@"nvarchar\(\d+\)[^,\n]*")]
    private static partial Regex NVarChar();
}
