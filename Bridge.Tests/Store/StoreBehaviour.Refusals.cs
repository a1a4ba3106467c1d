using Bridge.Store.Migrations;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Tests.Store;

public abstract partial class StoreBehaviour
{
    [Fact]
    public async Task Start_up_fails_when_an_applied_script_has_changed()
    {
        await Store.MigrateAsync(ConnectionString);
        await using (var db = Store.CreateContext(ConnectionString))
        {
            // As if this build's 0001 script were edited after it was applied: the recorded checksum no longer matches.
            await db.Database.ExecuteSqlRawAsync("UPDATE bridge_schema_migrations SET checksum = '0000000000000000000000000000000000000000000000000000000000000000' WHERE version = 1", Ct);
        }

        var failure = await Assert.ThrowsAsync<StoreMigrationException>(() => StartHostAsync());

        Assert.Contains("0001 (initial)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_fails_on_a_database_migrated_by_a_newer_build()
    {
        var newer = Store.Migrator([.. Store.Scripts, MigrationScript.Create(5, "future", "CREATE TABLE future_things (id INTEGER NOT NULL);")]);
        Assert.Equal([1, 2, 3, 4, 5], await Store.MigrateAsync(ConnectionString, newer));

        var failure = await Assert.ThrowsAsync<StoreMigrationException>(() => StartHostAsync());

        Assert.Contains("schema version 5", failure.Message, StringComparison.Ordinal);
        Assert.Contains("newer than this build knows (latest 4)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(5, (await HistoryAsync()).Count);
    }

    [Fact]
    public async Task Migrators_racing_on_one_empty_database_apply_each_migration_once()
    {
        using var go = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            go.Wait(Ct);
            return await Store.MigrateAsync(ConnectionString);
        })).ToList();
        go.Set();
        var applied = await Task.WhenAll(racers);

        Assert.Equal([1, 2, 3, 4], applied.SelectMany(a => a).Order());
        Assert.Equal([(1, "initial"), (2, "audit_and_operations"), (3, "endpoint_pause_mode"), (4, "contracts")], await HistoryAsync());
        await AssertSchemaMatchesModelAsync();
    }
}
