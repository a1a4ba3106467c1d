using System.Collections.Concurrent;
using Bridge.Store;
using Bridge.Store.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Contracts;

/// <summary>
/// Compiled contract schemas in memory. Versions never change once registered, so a compiled one is kept for good; which
/// version is a type's latest is trusted for <see cref="ContractOptions.RefreshInterval"/>, then asked of the store again
/// (at once after a registration through this process).
/// </summary>
internal sealed class ContractCache(IDbContextFactory<BridgeDbContext> store, TimeProvider time, IOptions<ContractOptions> options)
{
    private readonly ConcurrentDictionary<string, (int? Version, long LoadedAt)> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Type, int Version), Lazy<Task<CompiledContract?>>> _compiled = new();

    /// <summary>The latest version of <paramref name="eventType"/>'s contract, or null when it has none.</summary>
    public async ValueTask<CompiledContract?> LatestAsync(string eventType, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (!_latest.TryGetValue(eventType, out var known) || time.GetElapsedTime(known.LoadedAt, now) >= options.Value.RefreshInterval)
        {
            await using var db = await store.CreateDbContextAsync(cancellationToken);
            var version = await db.Set<ContractVersion>().Where(c => c.EventType == eventType).MaxAsync(c => (int?)c.Version, cancellationToken);
            known = (version, now);
            _latest[eventType] = known;
        }

        return known.Version is { } latest ? await GetAsync(eventType, latest, cancellationToken) : null;
    }

    /// <summary>Version <paramref name="version"/> of <paramref name="eventType"/>'s contract, or null when it is not registered.</summary>
    public async ValueTask<CompiledContract?> GetAsync(string eventType, int version, CancellationToken cancellationToken)
    {
        var key = (eventType, version);
        var lazy = _compiled.GetOrAdd(key, k => new Lazy<Task<CompiledContract?>>(() => CompileAsync(k.Type, k.Version)));
        var compiled = await lazy.Value.WaitAsync(cancellationToken);
        if (compiled is null)
        {
            _compiled.TryRemove(new KeyValuePair<(string, int), Lazy<Task<CompiledContract?>>>(key, lazy)); // not registered (yet): ask again next time
        }
        return compiled;
    }

    /// <summary>Forgets what is known of <paramref name="eventType"/>'s latest version (after a registration).</summary>
    public void Invalidate(string eventType) => _latest.TryRemove(eventType, out _);

    private async Task<CompiledContract?> CompileAsync(string eventType, int version)
    {
        await using var db = await store.CreateDbContextAsync();
        var row = await db.Set<ContractVersion>().AsNoTracking().SingleOrDefaultAsync(c => c.EventType == eventType && c.Version == version);
        if (row is null)
        {
            return null;
        }

        var (schema, error) = await ContractSchemas.LoadAsync(row.SchemaJson, CancellationToken.None);
        return schema is null || error is not null
            ? throw new InvalidOperationException($"The stored contract {eventType} v{version} cannot be compiled: {error}")
            : new CompiledContract(eventType, version, schema);
    }
}
