using Bridge.Store.Audit;
using Bridge.Store.Migrations;
using Bridge.Store.Providers;
using Bridge.Store.Retention;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Store;

/// <summary>Registers Bridge's store.</summary>
public static class StoreExtensions
{
    /// <summary>
    /// Adds the <see cref="BridgeDbContext"/> factory on the provider named by <c>Bridge:Store:Provider</c>
    /// (<c>sqlite</c> or <c>postgresql</c>) and <c>ConnectionStrings:bridgedb</c>, migrates the schema at start-up,
    /// registers the <see cref="AuditRecorder"/> (options <c>Bridge:Store:Audit</c>) and prunes the audit trail
    /// (options <c>Bridge:Store:Retention</c>). An unknown provider fails here, naming the key.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StoreOptions>()
            .BindConfiguration(StoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        var provider = StoreProviders.Resolve(options.Provider, AddedProviders(builder.Services));
        var connectionString = builder.Configuration.GetConnectionString(StoreOptions.ConnectionName)
            ?? options.DefaultConnectionString
            ?? provider.DefaultConnectionString
            ?? throw new InvalidOperationException(
                $"{StoreProviders.ProviderKey} is '{provider.Name}' but ConnectionStrings:{StoreOptions.ConnectionName} is not set " +
                "(e.g. Host=db.example.com;Database=bridge;Username=bridge;Password=…).");

        builder.Services.AddDbContextFactory<BridgeDbContext>(db => provider.Configure(db, connectionString));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IStoreProvider>(provider);
        builder.Services.AddSingleton(sp => new StoreMigrator(
            provider, MigrationScripts.Load(provider), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StoreMigrator>>()));
        builder.Services.AddHostedService<StoreMigrationService>();
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.MaxQueueWait >= TimeSpan.Zero && o.MaxQueueWait <= TimeSpan.FromMinutes(1), "Bridge:Store:Audit:MaxQueueWait must be between 00:00:00 and 00:01:00.")
            .Validate(o => o.DeadLetterWait >= TimeSpan.Zero && o.DeadLetterWait <= TimeSpan.FromMinutes(5), "Bridge:Store:Audit:DeadLetterWait must be between 00:00:00 and 00:05:00.")
            .Validate(o => o.FlushInterval >= TimeSpan.Zero && o.FlushInterval <= TimeSpan.FromSeconds(5), "Bridge:Store:Audit:FlushInterval must be between 00:00:00 and 00:00:05.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AuditRecorder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditRecorder>());
        builder.Services.AddStoreRetention();
        return builder;
    }

    /// <summary>
    /// Offers another store provider (e.g. the Azure edition's SQL Server one), selected like the built-in ones by
    /// <c>Bridge:Store:Provider</c>. Call it before <see cref="AddBridgeStore"/>.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeStoreProvider(this IHostApplicationBuilder builder, IStoreProvider provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        builder.Services.AddSingleton(new StoreProviders.Added(provider));
        return builder;
    }

    /// <summary>The providers added with <see cref="AddBridgeStoreProvider"/>, the last added first (it wins a shared name).</summary>
    private static IEnumerable<IStoreProvider> AddedProviders(IServiceCollection services) =>
        services.Select(s => s.ImplementationInstance).OfType<StoreProviders.Added>().Select(a => a.Provider).Reverse();
}
