using Bridge.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Bridge.Tests.Store;

/// <summary>
/// What the store must do on every provider: migrate, upgrade, agree with the model, refuse what it must, and store
/// every entity. Each provider runs it through a one-line subclass.
/// </summary>
public abstract partial class StoreBehaviour : IAsyncLifetime
{
    private protected StoreBehaviour(StoreUnderTest store) => Store = store;

    private protected StoreUnderTest Store { get; }

    private protected string ConnectionString { get; private set; } = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => ConnectionString = await Store.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Migrations_apply_cleanly_to_an_empty_database()
    {
        var applied = await Store.MigrateAsync(ConnectionString);

        Assert.Equal(AllMigrations.Select(m => m.Version), applied);
        Assert.Equal(AllMigrations, await HistoryAsync());
    }

    [Fact]
    public async Task Applying_the_migrations_again_changes_nothing()
    {
        await Store.MigrateAsync(ConnectionString);
        var history = await HistoryAsync();

        Assert.Empty(await Store.MigrateAsync(ConnectionString));
        Assert.Equal(history, await HistoryAsync());
    }

    [Fact]
    public async Task Start_up_migrates_the_database_and_a_second_start_up_finds_it_up_to_date()
    {
        using (var host = await StartHostAsync())
        {
            await host.StopAsync(Ct);
        }
        using (var again = await StartHostAsync())
        {
            await again.StopAsync(Ct);
        }

        Assert.Equal(AllMigrations, await HistoryAsync());
    }

    /// <summary>Every migration script of the provider (version and name), in order: what a migrated database's history lists.</summary>
    private protected IReadOnlyList<(int Version, string Name)> AllMigrations => [.. Store.Scripts.Select(s => (s.Version, s.Name))];

    /// <summary>The history: version and name of each applied script, in order.</summary>
    private protected async Task<IReadOnlyList<(int Version, string Name)>> HistoryAsync() =>
        [.. (await Store.QueryAsync(ConnectionString, "SELECT version, name FROM bridge_schema_migrations ORDER BY version"))
            .Select(r => (Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture), (string)r[1]!))];

    /// <summary>Starts a host with the store on this database, as a Bridge service would.</summary>
    private protected async Task<IHost> StartHostAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bridge:Store:Provider"] = Store.Provider.Name,
            ["ConnectionStrings:bridgedb"] = ConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddBridgeStoreProvider(Store.Provider); // a built-in one, or one a service adds (SQL Server)
        builder.AddBridgeStore();
        var host = builder.Build();
        try
        {
            await host.StartAsync(Ct);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
