using System.Collections.Concurrent;
using Bridge.Store;
using Bridge.Store.Publishers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Security;

/// <summary>A key as authentication sees it, with its publisher's scopes and rate limit.</summary>
internal sealed record Credential(
    string KeyId, string PublisherId, string Kind, string? SecretHash, string? ProtectedSecret,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, IReadOnlyList<string> Scopes, int? RateLimitPerSecond)
{
    public const string ApiKeyKind = "api-key";
    public const string HmacKind = "hmac";

    /// <summary>Why the key may not be used at <paramref name="now"/>, or null when it may.</summary>
    public string? Unusable(DateTimeOffset now) =>
        RevokedAt is { } revoked && revoked <= now ? $"Key '{KeyId}' was revoked."
        : ExpiresAt is { } expires && expires <= now ? $"Key '{KeyId}' expired at {expires:O}."
        : null;
}

/// <summary>
/// Finds keys by id: the bootstrap key from configuration, the others from the store, each trusted for
/// <see cref="SecurityOptions.KeyCacheDuration"/>. Changes made through this process invalidate its cache at once.
/// </summary>
internal sealed class Credentials(IDbContextFactory<BridgeDbContext> store, IOptions<SecurityOptions> options, TimeProvider time)
{
    public const string BootstrapPublisher = "bootstrap";
    private readonly ConcurrentDictionary<string, (Credential? Credential, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);
    private readonly Credential? _bootstrap = Bootstrap(options.Value.BootstrapKey);

    /// <summary>Checks an API key (<c>brk_{keyId}_{secret}</c>) against the stored hash, expiry and revocation.</summary>
    public async Task<ApiKeyCheck> CheckApiKeyAsync(string token, CancellationToken cancellationToken)
    {
        if (!ApiKeys.TryParse(token, out var keyId, out var secret))
        {
            return new ApiKeyCheck(ApiKeyOutcome.Malformed, null, "The bearer token is not a Bridge API key (brk_…).");
        }

        var credential = await FindAsync(keyId, cancellationToken);
        if (credential is null || credential.Kind != Credential.ApiKeyKind || credential.SecretHash is null || !ApiKeys.Matches(secret, credential.SecretHash))
        {
            return new ApiKeyCheck(ApiKeyOutcome.Invalid, null, "The API key is not valid.");
        }

        return credential.Unusable(time.GetUtcNow()) is { } reason
            ? new ApiKeyCheck(ApiKeyOutcome.Unusable, credential, reason)
            : new ApiKeyCheck(ApiKeyOutcome.Valid, credential, null);
    }

    /// <summary>The key with id <paramref name="keyId"/>, or null.</summary>
    public async Task<Credential?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        if (_bootstrap is not null && keyId == _bootstrap.KeyId)
        {
            return _bootstrap;
        }

        var now = time.GetUtcNow();
        if (_cache.TryGetValue(keyId, out var cached) && now - cached.FetchedAt < options.Value.KeyCacheDuration)
        {
            return cached.Credential;
        }

        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var found = await (from key in db.Set<PublisherKey>().AsNoTracking()
                           join publisher in db.Set<PublisherRecord>().AsNoTracking() on key.PublisherId equals publisher.Id
                           where key.KeyId == keyId
                           select new { key, publisher }).FirstOrDefaultAsync(cancellationToken);
        var credential = found is null ? null : new Credential(
            found.key.KeyId, found.publisher.Id, found.key.Kind, found.key.SecretHash, found.key.ProtectedSecret,
            found.key.ExpiresAt, found.key.RevokedAt, ParseScopes(found.publisher.Scopes), found.publisher.RateLimitPerSecond);
        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }
        _cache[keyId] = (credential, now);
        return credential;
    }

    /// <summary>Forgets what this process knows of keys, after a change through it.</summary>
    public void Invalidate() => _cache.Clear();

    /// <summary>Scopes as stored: space-separated.</summary>
    public static IReadOnlyList<string> ParseScopes(string scopes) => scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static Credential? Bootstrap(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (!ApiKeys.TryParse(key, out var keyId, out var secret))
        {
            throw new InvalidOperationException(
                $"{SecurityOptions.SectionName}:BootstrapKey is not a Bridge API key: expected brk_<key id: 4-32 lower-case letters or digits>_<secret: 32-128 base64url characters>.");
        }
        return new Credential(keyId, BootstrapPublisher, Credential.ApiKeyKind, ApiKeys.Hash(secret), null, null, null, ["admin", "publish:*"], null);
    }
}

/// <summary>How an API key check ended.</summary>
internal enum ApiKeyOutcome
{
    Valid,
    Malformed,
    Invalid,
    Unusable,
}

/// <summary>The outcome of <see cref="Credentials.CheckApiKeyAsync"/>: the credential when found, and why it fails, if it does.</summary>
internal sealed record ApiKeyCheck(ApiKeyOutcome Outcome, Credential? Credential, string? Failure);
