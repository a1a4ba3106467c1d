using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Bridge.Store;

/// <summary>Creates the store's schema before the services start.</summary>
internal sealed class StoreInitializer(IDbContextFactory<BridgeDbContext> contexts) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        await db.Database.EnsureCreatedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
