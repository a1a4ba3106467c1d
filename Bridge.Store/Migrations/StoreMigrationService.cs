using System.Data.Common;
using Bridge.Store.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Store.Migrations;

/// <summary>
/// Migrates the store before the services start. While the database cannot be reached (a transient error) it tries
/// again every second for <see cref="StoreOptions.StartupTimeout"/>, then fails start-up.
/// </summary>
internal sealed partial class StoreMigrationService(
    IDbContextFactory<BridgeDbContext> contexts,
    StoreMigrator migrator,
    IStoreProvider provider,
    IOptions<StoreOptions> options,
    TimeProvider timeProvider,
    ILogger<StoreMigrationService> logger) : IHostedService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var timeout = options.Value.StartupTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                await migrator.MigrateAsync(db.Database.GetDbConnection(), cancellationToken);
                return;
            }
            catch (DbException ex) when (ex.IsTransient)
            {
                if (timeProvider.GetElapsedTime(started) + RetryDelay > timeout)
                {
                    throw new StoreMigrationException(
                        $"The store ({provider.Name}) could not be reached within {StoreOptions.SectionName}:StartupTimeout ({timeout}): {ex.Message}", ex);
                }

                LogUnreachable(logger, ex, provider.Name, attempt);
                await Task.Delay(RetryDelay, timeProvider, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store ({Provider}) cannot be reached (try {Attempt}); trying again")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string provider, int attempt);
}
