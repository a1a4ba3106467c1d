using Bridge.Store;
using Bridge.Store.Idempotency;
using Bridge.Store.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Idempotency;

/// <summary>
/// The idempotency keys in the store (<c>idempotency_keys</c>). A key is claimed by inserting its row; the primary key
/// (scope, topic, key) lets only one of any number of concurrent requests insert it. Only the claim's holder (its
/// token) may complete or release it. An expired row no longer matches: it is removed and the key claimed anew.
/// On SQLite, which has one writer at a time, this process's writes queue here rather than in SQLite's busy retries.
/// </summary>
internal sealed class IdempotencyStore(
    IDbContextFactory<BridgeDbContext> contexts, TimeProvider time, IOptions<IdempotencyOptions> options, IOptions<StoreOptions> store, IStoreProvider provider)
{
    private const int Tries = 5;
    private readonly SemaphoreSlim? _writer = string.Equals(store.Value.Provider.Trim(), "sqlite", StringComparison.OrdinalIgnoreCase) ? new(1, 1) : null;

    /// <summary>Claims the key for a request with <paramref name="fingerprint"/>, or says who has it.</summary>
    public async Task<ClaimResult> ClaimAsync(IdempotencyScope scope, string fingerprint, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            var now = time.GetUtcNow();
            var token = Guid.NewGuid().ToString("N");
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var inserted = await WriteAsync(() => db.Database.ExecuteSqlRawAsync(provider.InsertIdempotencyClaimSql,
                [scope.Scope, scope.Topic, scope.Key, fingerprint, nameof(IdempotencyState.InFlight), token,
                    now.ToUnixTimeMilliseconds(), (now + options.Value.Lease).ToUnixTimeMilliseconds(), (now + options.Value.Window).ToUnixTimeMilliseconds()],
                cancellationToken), cancellationToken);
            if (inserted == 1)
            {
                return new ClaimResult(ClaimStatus.Claimed, new IdempotentPublish(scope, now), token, null);
            }

            var row = await FindAsync(db, scope, cancellationToken);
            var result = row is null ? null : await DecideAsync(db, scope, fingerprint, row, now, cancellationToken);
            if (result is not null)
            {
                return result;
            }

            if (tries == Tries)
            {
                // The row keeps changing under us (claimed, released, expired): treat it as busy and let the caller wait.
                return new ClaimResult(ClaimStatus.InFlight, null, null, null);
            }
        }
    }

    /// <summary>Looks at the key again without claiming it: null when it is gone, expired or its lease is over (claim it then).</summary>
    public async Task<ClaimResult?> PeekAsync(IdempotencyScope scope, string fingerprint, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await FindAsync(db, scope, cancellationToken);
        var now = time.GetUtcNow();
        if (row is null || row.ExpiresAt <= now || (row.State == IdempotencyState.InFlight && row.LeaseExpiresAt <= now))
        {
            return null;
        }

        return Matching(row, fingerprint) ?? new ClaimResult(ClaimStatus.InFlight, null, null, null);
    }

    /// <summary>Stores the response of the claim's request; false when the claim was lost meanwhile.</summary>
    public async Task<bool> CompleteAsync(IdempotencyScope scope, string token, StoredResponse response)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        var updated = await WriteAsync(() => Rows(db, scope)
            .Where(r => r.ClaimToken == token && r.State == IdempotencyState.InFlight)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.State, IdempotencyState.Completed)
                .SetProperty(r => r.CompletedAt, now)
                .SetProperty(r => r.StatusCode, response.StatusCode)
                .SetProperty(r => r.ContentType, response.ContentType)
                .SetProperty(r => r.ResponseBody, response.Body)
                .SetProperty(r => r.ResponseHeaders, response.HeadersJson), CancellationToken.None), CancellationToken.None);
        return updated == 1;
    }

    /// <summary>Gives the key up after a failed publish, so the caller can retry with it.</summary>
    public async Task ReleaseAsync(IdempotencyScope scope, string token)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        await WriteAsync(() => Rows(db, scope).Where(r => r.ClaimToken == token && r.State == IdempotencyState.InFlight).ExecuteDeleteAsync(CancellationToken.None), CancellationToken.None);
    }

    /// <summary>Removes every expired key; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await WriteAsync(() => db.Set<IdempotencyRecord>().Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken), cancellationToken);
    }

    private async Task<ClaimResult?> DecideAsync(
        BridgeDbContext db, IdempotencyScope scope, string fingerprint, IdempotencyRecord row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (row.ExpiresAt <= now)
        {
            // Past its window the key no longer matches: remove it (unless someone else did) and claim it anew.
            await WriteAsync(() => Rows(db, scope).Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken), cancellationToken);
            return null;
        }

        if (Matching(row, fingerprint) is { } decided)
        {
            return decided;
        }

        if (row.LeaseExpiresAt > now)
        {
            return new ClaimResult(ClaimStatus.InFlight, null, null, null);
        }

        // The request holding the claim died (its lease is over): take the claim over, keeping its time and so its message ids.
        var token = Guid.NewGuid().ToString("N");
        var lease = now + options.Value.Lease;
        var taken = await WriteAsync(() => Rows(db, scope)
            .Where(r => r.ClaimToken == row.ClaimToken && r.State == IdempotencyState.InFlight)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.ClaimToken, token).SetProperty(r => r.LeaseExpiresAt, lease), cancellationToken), cancellationToken);
        return taken == 1 ? new ClaimResult(ClaimStatus.TakenOver, new IdempotentPublish(scope, row.CreatedAt), token, null) : null;
    }

    private async Task<int> WriteAsync(Func<Task<int>> write, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            return await write();
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>A different request (422) or a completed one (replay); null for the same request still in flight.</summary>
    private static ClaimResult? Matching(IdempotencyRecord row, string fingerprint) =>
        !string.Equals(row.Fingerprint, fingerprint, StringComparison.Ordinal) ? new ClaimResult(ClaimStatus.Mismatch, null, null, null)
        : row.State == IdempotencyState.Completed ? new ClaimResult(ClaimStatus.Completed, null, null, StoredResponse.From(row))
        : null;

    private static Task<IdempotencyRecord?> FindAsync(BridgeDbContext db, IdempotencyScope scope, CancellationToken cancellationToken) =>
        Rows(db, scope).AsNoTracking().SingleOrDefaultAsync(cancellationToken);

    private static IQueryable<IdempotencyRecord> Rows(BridgeDbContext db, IdempotencyScope scope) =>
        db.Set<IdempotencyRecord>().Where(r => r.Scope == scope.Scope && r.Topic == scope.Topic && r.Key == scope.Key);
}

/// <summary>What became of a claim.</summary>
internal enum ClaimStatus
{
    /// <summary>This request holds the key now: it publishes.</summary>
    Claimed,

    /// <summary>This request took over the claim of one that died: it publishes again under the same message ids.</summary>
    TakenOver,

    /// <summary>The same request completed before: replay its response.</summary>
    Completed,

    /// <summary>The same request is being published by another call.</summary>
    InFlight,

    /// <summary>The key was used for a different request.</summary>
    Mismatch,
}

/// <summary>The outcome of a claim: the publish to run (claimed, taken over) with its token, or the stored response (completed).</summary>
internal sealed record ClaimResult(ClaimStatus Status, IdempotentPublish? Publish, string? Token, StoredResponse? Response);
