using Bridge.Store;
using Bridge.Store.Publishers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Security;

/// <summary>Publishers and their keys in the store: create, change, issue, rotate, revoke. Every change is logged (never a secret).</summary>
internal sealed partial class PublisherDirectory(
    IDbContextFactory<BridgeDbContext> store, Credentials credentials, HmacSecrets secrets, IOptions<SecurityOptions> options,
    TimeProvider time, ILogger<PublisherDirectory> logger)
{
    public async Task<IReadOnlyList<PublisherView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var publishers = await db.Set<PublisherRecord>().AsNoTracking().OrderBy(p => p.Id).ToListAsync(cancellationToken);
        var keys = (await db.Set<PublisherKey>().AsNoTracking().ToListAsync(cancellationToken)).ToLookup(k => k.PublisherId);
        return [.. publishers.Select(p => View(p, keys[p.Id]))];
    }

    public async Task<PublisherView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var publisher = await db.Set<PublisherRecord>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return publisher is null ? null : View(publisher, await db.Set<PublisherKey>().AsNoTracking().Where(k => k.PublisherId == id).ToListAsync(cancellationToken));
    }

    /// <summary>Creates a publisher; null when the id is taken.</summary>
    public async Task<PublisherView?> CreateAsync(string id, string name, IReadOnlyList<string> scopes, int? rate, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        if (await db.Set<PublisherRecord>().AnyAsync(p => p.Id == id, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var publisher = new PublisherRecord { Id = id, Name = name, Scopes = string.Join(' ', scopes.Distinct()), RateLimitPerSecond = rate, CreatedAt = now, UpdatedAt = now };
        db.Add(publisher);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return null; // created concurrently
        }
        LogCreated(logger, id, publisher.Scopes, by);
        return View(publisher, []);
    }

    public async Task<PublisherView?> UpdateAsync(string id, string name, IReadOnlyList<string> scopes, int? rate, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var publisher = await db.Set<PublisherRecord>().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (publisher is null)
        {
            return null;
        }

        publisher.Name = name;
        publisher.Scopes = string.Join(' ', scopes.Distinct());
        publisher.RateLimitPerSecond = rate;
        publisher.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        credentials.Invalidate();
        LogUpdated(logger, id, publisher.Scopes, by);
        return View(publisher, await db.Set<PublisherKey>().AsNoTracking().Where(k => k.PublisherId == id).ToListAsync(cancellationToken));
    }

    /// <summary>Issues a key; null when the publisher does not exist.</summary>
    public async Task<CreatedKey?> IssueAsync(string publisherId, string kind, DateTimeOffset? expiresAt, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        if (!await db.Set<PublisherRecord>().AnyAsync(p => p.Id == publisherId, cancellationToken))
        {
            return null;
        }

        var created = Issue(db, publisherId, kind, expiresAt);
        await db.SaveChangesAsync(cancellationToken);
        LogIssued(logger, created.KeyId, kind, publisherId, by);
        return created;
    }

    /// <summary>Issues a successor and lets the old key work until the grace period ends; null when there is no such key, the old key when it is not active.</summary>
    public async Task<(CreatedKey? Created, PublisherKey? Old)> RotateAsync(
        string publisherId, string keyId, TimeSpan? grace, DateTimeOffset? expiresAt, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var old = await db.Set<PublisherKey>().FirstOrDefaultAsync(k => k.KeyId == keyId && k.PublisherId == publisherId, cancellationToken);
        var now = time.GetUtcNow();
        if (old is null || Status(old, now) != "active")
        {
            return (null, old);
        }

        var created = Issue(db, publisherId, old.Kind, expiresAt);
        var end = now + (grace ?? options.Value.DefaultRotationGracePeriod);
        old.ExpiresAt = old.ExpiresAt is { } expires && expires < end ? expires : end;
        old.ReplacedBy = created.KeyId;
        await db.SaveChangesAsync(cancellationToken);
        credentials.Invalidate();
        LogRotated(logger, keyId, created.KeyId, old.ExpiresAt.Value, publisherId, by);
        return (created, old);
    }

    /// <summary>Revokes a key at once; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string publisherId, string keyId, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var key = await db.Set<PublisherKey>().FirstOrDefaultAsync(k => k.KeyId == keyId && k.PublisherId == publisherId, cancellationToken);
        if (key is null)
        {
            return false;
        }

        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        credentials.Invalidate();
        LogRevoked(logger, keyId, publisherId, by);
        return true;
    }

    private CreatedKey Issue(BridgeDbContext db, string publisherId, string kind, DateTimeOffset? expiresAt)
    {
        var keyId = ApiKeys.NewKeyId();
        var secret = ApiKeys.NewSecret();
        var now = time.GetUtcNow();
        var hmac = kind == Credential.HmacKind;
        db.Add(new PublisherKey
        {
            KeyId = keyId,
            PublisherId = publisherId,
            Kind = kind,
            SecretHash = hmac ? null : ApiKeys.Hash(secret),
            ProtectedSecret = hmac ? secrets.Protect(secret) : null,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        return new CreatedKey(keyId, publisherId, kind, hmac ? null : ApiKeys.Format(keyId, secret), hmac ? secret : null, now, expiresAt);
    }

    private PublisherView View(PublisherRecord p, IEnumerable<PublisherKey> keys)
    {
        var now = time.GetUtcNow();
        return new PublisherView(p.Id, p.Name, Credentials.ParseScopes(p.Scopes), p.RateLimitPerSecond, p.CreatedAt, p.UpdatedAt,
            [.. keys.OrderBy(k => k.CreatedAt).Select(k => new KeyView(k.KeyId, k.Kind, Status(k, now), k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.ReplacedBy))]);
    }

    private static string Status(PublisherKey key, DateTimeOffset now) =>
        key.RevokedAt is not null ? "revoked" : key.ExpiresAt is { } expires && expires <= now ? "expired" : "active";

    [LoggerMessage(Level = LogLevel.Information, Message = "Publisher {Publisher} created with scopes {Scopes} (by {By})")]
    private static partial void LogCreated(ILogger logger, string publisher, string scopes, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publisher {Publisher} changed: scopes {Scopes} (by {By})")]
    private static partial void LogUpdated(ILogger logger, string publisher, string scopes, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} ({Kind}) issued to publisher {Publisher} (by {By})")]
    private static partial void LogIssued(ILogger logger, string keyId, string kind, string publisher, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key {KeyId} rotated to {NewKeyId}; the old key works until {Until:O} (publisher {Publisher}, by {By})")]
    private static partial void LogRotated(ILogger logger, string keyId, string newKeyId, DateTimeOffset until, string publisher, string by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key {KeyId} of publisher {Publisher} revoked (by {By})")]
    private static partial void LogRevoked(ILogger logger, string keyId, string publisher, string by);
}
