using System.Collections.Concurrent;
using Bridge.Store;
using Bridge.Store.ConsoleSessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Security;

/// <summary>
/// Console sessions in the store: opened at sign-in, ended by sign-out or by an admin's "sign out everywhere". Each
/// process trusts what it read for <see cref="SecurityOptions.KeyCacheDuration"/>; an ending made through it counts at once.
/// </summary>
internal sealed partial class ConsoleSessionStore(
    IDbContextFactory<BridgeDbContext> store, IOptions<SecurityOptions> options, TimeProvider time, ILogger<ConsoleSessionStore> logger)
{
    private readonly ConcurrentDictionary<string, (bool Live, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>Records a new session.</summary>
    public async Task OpenAsync(string id, Credential credential, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        db.Add(new ConsoleSessionRecord { Id = id, KeyId = credential.KeyId, PublisherId = credential.PublisherId, CreatedAt = time.GetUtcNow(), ExpiresAt = expiresAt });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Whether the session exists and is neither ended nor expired.</summary>
    public async Task<bool> IsLiveAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && now - cached.ReadAt < options.Value.KeyCacheDuration)
        {
            return cached.Live;
        }

        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var live = await db.Set<ConsoleSessionRecord>().AsNoTracking().AnyAsync(s => s.Id == id && s.RevokedAt == null && s.ExpiresAt > now, cancellationToken);
        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }
        _cache[id] = (live, now);
        return live;
    }

    /// <summary>Ends one session (sign-out).</summary>
    public async Task EndAsync(string id, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        await db.Set<ConsoleSessionRecord>().Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedBy, by), cancellationToken);
        _cache.Clear();
        LogSignedOut(logger, by);
    }

    /// <summary>Ends every open session (of <paramref name="publisher"/> only, when given); returns how many.</summary>
    public async Task<int> EndAllAsync(string? publisher, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var ended = await db.Set<ConsoleSessionRecord>()
            .Where(s => s.RevokedAt == null && s.ExpiresAt > now && (publisher == null || s.PublisherId == publisher))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedBy, by), cancellationToken);
        _cache.Clear();
        LogEndedAll(logger, ended, publisher ?? "(every operator)", by);
        return ended;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Console session ended by sign-out of {By}")]
    private static partial void LogSignedOut(ILogger logger, string by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} console session(s) of {Publisher} ended everywhere (by {By})")]
    private static partial void LogEndedAll(ILogger logger, int count, string publisher, string by);
}
