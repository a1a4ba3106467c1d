using System.Collections.Concurrent;
using Bridge.Store;
using Bridge.Store.Endpoints;
using Bridge.Topology;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// Keeps endpoint pauses in the store (<c>webhook_endpoints</c>), so a pause outlives a restart and reaches every
/// subscriber process: each process writes its own decisions and takes up the others' every
/// <see cref="EndpointOptions.SyncInterval"/>. The circuit itself is each process's own.
/// </summary>
internal sealed partial class EndpointStateStore(
    IDbContextFactory<BridgeDbContext> contexts,
    EndpointRegistry registry,
    TimeProvider time,
    ILogger<EndpointStateStore> logger)
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ConcurrentDictionary<SubscriptionAddress, DateTimeOffset> _seen = new();

    /// <summary>Writes the guard's pause as it is now.</summary>
    public async Task SaveAsync(EndpointGuard guard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guard);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var address = guard.Definition.Address;
            var pause = guard.Pause;
            var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
            var updatedAt = _seen.TryGetValue(address, out var last) && last >= now ? last.AddMilliseconds(1) : now;
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var row = await db.WebhookEndpoints.FindAsync([address.Topic, address.Subscription], cancellationToken);
            if (row is null)
            {
                row = new WebhookEndpoint { Topic = address.Topic, Subscription = address.Subscription, Url = guard.Definition.Webhook.Url.ToString() };
                db.WebhookEndpoints.Add(row);
            }

            row.Url = guard.Definition.Webhook.Url.ToString();
            row.Paused = pause is not null;
            row.PausedAt = pause?.Since;
            row.PausedBy = pause?.By;
            row.PauseReason = pause?.Reason is { Length: > 512 } reason ? reason[..512] : pause?.Reason;
            row.PauseMode = pause is null ? null : ModeName(pause.Mode);
            row.UpdatedAt = updatedAt;
            await db.SaveChangesAsync(cancellationToken);
            _seen[address] = updatedAt;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Takes up pauses written since the last look (by another process, or before a restart).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.WebhookEndpoints.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            var address = new SubscriptionAddress(row.Topic, row.Subscription);
            if (registry.Find(address) is not { } guard || (_seen.TryGetValue(address, out var last) && row.UpdatedAt <= last))
            {
                continue;
            }

            _seen[address] = row.UpdatedAt;
            var pause = row.Paused
                ? new EndpointPause(row.PauseMode == ModeName(PauseMode.Automatic) ? PauseMode.Automatic : PauseMode.Manual,
                    row.PausedAt ?? row.UpdatedAt, row.PausedBy ?? "unknown", row.PauseReason)
                : null;
            if (!Equals(guard.Pause, pause))
            {
                LogTakenUp(logger, address.ToString(), pause is null ? "resumed" : $"paused ({ModeName(pause.Mode)}, by {pause.By})");
                await guard.ApplyAsync(pause);
            }
        }
    }

    private static string ModeName(PauseMode mode) => mode == PauseMode.Automatic ? "automatic" : "manual";

    [LoggerMessage(Level = LogLevel.Information, Message = "{Subscription} was {State} elsewhere; taking it up")]
    private static partial void LogTakenUp(ILogger logger, string subscription, string state);
}
