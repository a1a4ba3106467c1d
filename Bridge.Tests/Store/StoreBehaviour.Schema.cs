namespace Bridge.Tests.Store;

public abstract partial class StoreBehaviour
{
    [Fact]
    public async Task The_migrated_schema_matches_the_model()
    {
        await Store.MigrateAsync(ConnectionString);

        await AssertSchemaMatchesModelAsync();
    }

    [Fact]
    public async Task The_schema_check_reports_what_a_database_lacks()
    {
        await Store.MigrateAsync(ConnectionString, Store.Migrator([.. Store.Scripts.Take(1)]));

        var differences = await SchemaDifferencesAsync();

        Assert.Contains("table events: in the model, missing in the database", differences);
        Assert.Contains("table webhook_endpoints: in the model, missing in the database", differences);
        Assert.Contains("column replays.JobId: in the model, missing in the database", differences);
        Assert.Contains(differences, d => d.StartsWith("index replays.IX_replays_JobId", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("index delivery_attempts.IX_delivery_attempts_StartedAt", StringComparison.Ordinal)); // 0013
        Assert.DoesNotContain(differences, d => d.Contains("delivery_attempts", StringComparison.Ordinal) && !d.Contains("IX_delivery_attempts_StartedAt", StringComparison.Ordinal));
    }

    private protected async Task AssertSchemaMatchesModelAsync()
    {
        var differences = await SchemaDifferencesAsync();
        Assert.True(differences.Count == 0,
            $"The {Store.Provider.Name} schema made by the migrations differs from the EF model:\n  " + string.Join("\n  ", differences));
    }

    private async Task<IReadOnlyList<string>> SchemaDifferencesAsync()
    {
        await using var db = Store.CreateContext(ConnectionString);
        var expected = SchemaComparison.Expected(db.Model);
        Assert.Equal(21, expected.Tables.Count);
        var actual = await Store.ReadSchemaAsync(ConnectionString);
        return SchemaComparison.Differences(expected, actual, Store.NormaliseType);
    }
}
