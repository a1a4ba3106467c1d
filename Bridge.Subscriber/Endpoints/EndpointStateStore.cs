using System.Collections.Concurrent;
using Bridge.Store;
using Bridge.Store.Endpoints;
using Bridge.Topology;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// Keeps endpoint pauses in the store (<c>webhook_endpoints</c>), so a pause outlives a restart and reaches every
/// subscriber process: each process writes its own decisions and takes up the others' every
/// <see cref="EndpointOptions.SyncInterval"/>. Every write increments the row's version (optimistic concurrency), so a
/// process notices any change it has not seen, whatever the clocks say. An operator's pause wins: a process's own
/// automatic decision (a pause after failures, a resume after a probe) never replaces a pause made by hand that it
/// had not seen yet. The circuit itself is each process's own.
/// </summary>
internal sealed partial class EndpointStateStore(
    IDbContextFactory<BridgeDbContext> contexts,
    EndpointRegistry registry,
    TimeProvider time,
    ILogger<EndpointStateStore> logger)
{
    private const string Automatic = "automatic";
    private readonly SemaphoreSlim _sync = new(1, 1);
    private readonly ConcurrentDictionary<SubscriptionAddress, long> _seen = new();

    /// <summary>Makes an operator's change to the guard and stores it, as one step against concurrent loads.</summary>
    public async Task ChangeAsync(EndpointGuard guard, Func<Task> change)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(change);
        await _sync.WaitAsync();
        try
        {
            await change();
            await WriteAsync(guard, automatic: false);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>Stores a decision the guard took itself, unless an operator's pause it has not seen is in the way (that one is taken up instead).</summary>
    public async Task SaveAutomaticAsync(EndpointGuard guard)
    {
        ArgumentNullException.ThrowIfNull(guard);
        await _sync.WaitAsync();
        try
        {
            await WriteAsync(guard, automatic: true);
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>
    /// Takes up changes written since the last look (by another process, or before a restart) — of every endpoint, or of
    /// <paramref name="only"/> one (a subscription that starts after the others were loaded).
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken, SubscriptionAddress? only = null)
    {
        await _sync.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var rows = db.WebhookEndpoints.AsNoTracking();
            if (only is { } address)
            {
                rows = rows.Where(r => r.Topic == address.Topic && r.Subscription == address.Subscription);
            }

            foreach (var row in await rows.ToListAsync(cancellationToken))
            {
                if (registry.Find(new SubscriptionAddress(row.Topic, row.Subscription)) is { } guard)
                {
                    await TakeUpAsync(guard, row);
                }
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    private async Task WriteAsync(EndpointGuard guard, bool automatic)
    {
        var address = guard.Definition.Address;
        for (var tries = 1; ; tries++)
        {
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            var row = await db.WebhookEndpoints.FindAsync([address.Topic, address.Subscription], CancellationToken.None);
            if (row is not null && automatic && row.Version != _seen.GetValueOrDefault(address) && row.Paused && row.PauseMode != Automatic)
            {
                await TakeUpAsync(guard, row);
                return;
            }

            if (row is null)
            {
                row = new WebhookEndpoint { Topic = address.Topic, Subscription = address.Subscription, Url = "" };
                db.WebhookEndpoints.Add(row);
            }

            var pause = guard.Pause;
            row.Url = guard.Definition.PushTarget.Url.ToString();
            row.Paused = pause is not null;
            row.PausedAt = pause?.Since;
            row.PausedBy = Truncate(pause?.By, 128);
            row.PauseReason = Truncate(pause?.Reason, 512);
            row.PauseMode = pause?.ModeName;
            row.UpdatedAt = time.GetUtcNow();
            row.Version++;
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                _seen[address] = row.Version;
                return;
            }
            catch (DbUpdateException) when (tries < 3)
            {
                // Another process wrote the row (or inserted it) meanwhile: read it again and decide again.
            }
        }
    }

    private async Task TakeUpAsync(EndpointGuard guard, WebhookEndpoint row)
    {
        var address = guard.Definition.Address;
        if (_seen.TryGetValue(address, out var seen) && seen == row.Version)
        {
            return;
        }

        _seen[address] = row.Version;
        var pause = row.Paused
            ? new EndpointPause(row.PauseMode == Automatic ? PauseMode.Automatic : PauseMode.Manual, row.PausedAt ?? row.UpdatedAt, row.PausedBy ?? "unknown", row.PauseReason)
            : null;
        if (!Equals(guard.Pause, pause))
        {
            LogTakenUp(logger, address.ToString(), pause is null ? "resumed" : $"paused ({pause.ModeName}, by {pause.By})");
            await guard.ApplyAsync(pause);
        }
    }

    private static string? Truncate(string? value, int max) => value is { Length: > 0 } && value.Length > max ? value[..max] : value;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Subscription} was {State} elsewhere; taking it up")]
    private static partial void LogTakenUp(ILogger logger, string subscription, string state);
}
