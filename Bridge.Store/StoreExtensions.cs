using Bridge.Store.Attempts;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.Store;

/// <summary>Registers Bridge's store.</summary>
public static class StoreExtensions
{
    /// <summary>
    /// Adds the <see cref="BridgeDbContext"/> factory on the configured provider (<c>ConnectionStrings:bridgedb</c>),
    /// creates the schema at start-up, and registers the <see cref="AttemptRecorder"/>.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StoreOptions>()
            .BindConfiguration(StoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(StoreOptions.SectionName).Get<StoreOptions>() ?? new StoreOptions();
        var connectionString = builder.Configuration.GetConnectionString("bridgedb") ?? options.DefaultConnectionString;
        builder.Services.AddDbContextFactory<BridgeDbContext>(db => db.UseSqlite(PrepareSqlite(connectionString)));
        builder.Services.AddHostedService<StoreInitializer>();
        builder.Services.AddSingleton<AttemptRecorder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AttemptRecorder>());
        return builder;
    }

    private static string PrepareSqlite(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        return csb.ToString();
    }
}
