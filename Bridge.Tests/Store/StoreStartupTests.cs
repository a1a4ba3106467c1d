using Bridge.Store;
using Bridge.Store.Migrations;
using Bridge.Store.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Bridge.Tests.Store;

public sealed class StoreStartupTests
{
    [Fact]
    public void An_unknown_provider_fails_start_up_naming_the_key()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Builder(("Bridge:Store:Provider", "oracle")).AddBridgeStore());

        Assert.Equal("Bridge:Store:Provider is 'oracle', which this build does not provide. Available: sqlite, postgresql.", failure.Message);
    }

    [Fact]
    public void An_added_provider_is_selected_by_name_and_offered_in_the_error()
    {
        var added = new NamedProvider("sqlserver");
        var builder = Builder(("Bridge:Store:Provider", "SqlServer"), ("ConnectionStrings:bridgedb", "Server=db;Database=bridge"));
        builder.AddBridgeStoreProvider(added).AddBridgeStore();

        Assert.Same(added, builder.Services.Single(s => s.ServiceType == typeof(IStoreProvider)).ImplementationInstance);
        var failure = Assert.Throws<InvalidOperationException>(
            () => Builder(("Bridge:Store:Provider", "oracle")).AddBridgeStoreProvider(added).AddBridgeStore());
        Assert.Equal("Bridge:Store:Provider is 'oracle', which this build does not provide. Available: sqlserver, sqlite, postgresql.", failure.Message);
    }

    [Fact]
    public void PostgreSQL_without_a_connection_string_fails_start_up_naming_the_key()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => Builder(("Bridge:Store:Provider", "PostgreSQL")).AddBridgeStore());

        Assert.StartsWith("Bridge:Store:Provider is 'postgresql' but ConnectionStrings:bridgedb is not set", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_provider_has_the_same_migrations_numbered_without_gaps()
    {
        var scripts = StoreProviders.All.ToDictionary(p => p.Name, p => MigrationScripts.Load(p).Select(s => (s.Version, s.Name)).ToList());

        Assert.Equal(["sqlite", "postgresql"], scripts.Keys);
        Assert.All(scripts.Values, s => Assert.Equal([(1, "initial"), (2, "audit_and_operations"), (3, "endpoint_pause_mode"), (4, "idempotency_keys"), (5, "publishers"), (6, "contracts"), (7, "xml_transforms"), (8, "outbox"), (9, "subscriptions"), (10, "data_protection_keys"), (11, "console_sessions"), (12, "subscription_credentials"), (13, "retention_indexes"), (14, "alerts"), (15, "recovery_index"), (16, "sources")], s));
    }

    [Fact]
    public void A_script_checksum_ignores_line_endings_and_nothing_else()
    {
        var lf = MigrationScript.Create(1, "x", "CREATE TABLE a (id INTEGER);\nCREATE INDEX i ON a (id);\n");

        Assert.Equal(lf.Checksum, MigrationScript.Create(1, "x", "CREATE TABLE a (id INTEGER);\r\nCREATE INDEX i ON a (id);\r\n").Checksum);
        Assert.NotEqual(lf.Checksum, MigrationScript.Create(1, "x", "CREATE TABLE a (id INTEGER);\nCREATE INDEX i ON a (id );\n").Checksum);
        Assert.Matches("^[0-9a-f]{64}$", lf.Checksum);
    }

    /// <summary>A provider from another assembly, as far as selection goes: it lends SQLite's behaviour under its own name.</summary>
    private sealed class NamedProvider(string name) : IStoreProvider
    {
        private readonly IStoreProvider _sqlite = StoreProviders.Resolve("sqlite");

        public string Name => name;

        public string MigrationsResourcePrefix => _sqlite.MigrationsResourcePrefix;

        public System.Reflection.Assembly MigrationsAssembly => _sqlite.MigrationsAssembly;

        public string CreateHistoryTableSql => _sqlite.CreateHistoryTableSql;

        public string? DefaultConnectionString => null;

        public void Configure(Microsoft.EntityFrameworkCore.DbContextOptionsBuilder builder, string connectionString) => _sqlite.Configure(builder, connectionString);

        public Task PrepareAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken) => _sqlite.PrepareAsync(connection, cancellationToken);

        public Task<System.Data.Common.DbTransaction> BeginLockedTransactionAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken) =>
            _sqlite.BeginLockedTransactionAsync(connection, cancellationToken);
    }

    private static HostApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }
}
