using System.Text.Json;
using Bridge.Store;
using Bridge.Store.Contracts;
using Microsoft.EntityFrameworkCore;
using NJsonSchema;

namespace Bridge.Publisher.Contracts;

/// <summary>Registers and reads contract versions in the store.</summary>
internal sealed partial class ContractRegistry(
    IDbContextFactory<BridgeDbContext> store, ContractCache cache, TimeProvider time, ILogger<ContractRegistry> logger)
{
    private const int MaxRaces = 5;

    /// <summary>What a registration came to.</summary>
    public enum Outcome
    {
        /// <summary>A new version was stored.</summary>
        Created,

        /// <summary>The schema equals the latest version's: nothing stored.</summary>
        Unchanged,

        /// <summary>The schema is not backward compatible with the latest version and was not forced.</summary>
        Incompatible,

        /// <summary>Concurrent registrations kept taking the version number.</summary>
        Contended,
    }

    /// <summary>The result of <see cref="RegisterAsync"/>.</summary>
    public sealed record Registration(Outcome Outcome, ContractVersion? Version, int? LatestVersion, IReadOnlyList<BreakingChange> Changes);

    /// <summary>
    /// Stores <paramref name="schema"/> as the next version of <paramref name="eventType"/>'s contract, unless it equals the latest
    /// version or breaks it (and <paramref name="force"/> is false). Versions are numbered 1, 2, … by the store's unique index:
    /// a registration that loses a race for a number compares again with the winner and retries.
    /// </summary>
    public async Task<Registration> RegisterAsync(string eventType, JsonSchema schema, string canonicalJson, string? description, bool force, CancellationToken cancellationToken)
    {
        var fingerprint = ContractSchemas.Fingerprint(canonicalJson);
        for (var race = 0; race < MaxRaces; race++)
        {
            await using var db = await store.CreateDbContextAsync(cancellationToken);
            var latest = await db.Set<ContractVersion>().AsNoTracking().Where(c => c.EventType == eventType)
                .OrderByDescending(c => c.Version).FirstOrDefaultAsync(cancellationToken);
            if (latest is not null && latest.Fingerprint == fingerprint)
            {
                return new Registration(Outcome.Unchanged, latest, latest.Version, []);
            }

            IReadOnlyList<BreakingChange> changes = [];
            if (latest is not null)
            {
                var previous = await cache.GetAsync(eventType, latest.Version, cancellationToken)
                    ?? throw new InvalidOperationException($"Contract {eventType} v{latest.Version} vanished.");
                changes = CompatibilityChecker.Check(previous.Schema, schema);
                if (changes.Count > 0 && !force)
                {
                    return new Registration(Outcome.Incompatible, null, latest.Version, changes);
                }
            }

            var row = new ContractVersion
            {
                EventType = eventType,
                Version = (latest?.Version ?? 0) + 1,
                SchemaJson = canonicalJson,
                Fingerprint = fingerprint,
                Description = description,
                Breaking = changes.Count > 0,
                RegisteredAt = time.GetUtcNow(),
            };
            db.Add(row);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateException ex)
            {
                LogRaced(logger, ex, eventType, row.Version);
                continue;
            }

            cache.Invalidate(eventType);
            LogRegistered(logger, eventType, row.Version, row.Breaking, fingerprint);
            return new Registration(Outcome.Created, row, row.Version, changes);
        }

        return new Registration(Outcome.Contended, null, null, []);
    }

    /// <summary>Every event type with a contract: its latest version and how many it has.</summary>
    public async Task<IReadOnlyList<ContractSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<ContractVersion>().AsNoTracking()
            .Select(c => new { c.EventType, c.Version, c.RegisteredAt, c.Description }).ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => r.EventType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var latest = g.MaxBy(r => r.Version)!;
            return new ContractSummary(g.Key, latest.Version, g.Count(), latest.RegisteredAt, latest.Description);
        })];
    }

    /// <summary>Every version of <paramref name="eventType"/>'s contract, oldest first (empty when it has none).</summary>
    public async Task<IReadOnlyList<ContractVersion>> VersionsAsync(string eventType, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        return await db.Set<ContractVersion>().AsNoTracking().Where(c => c.EventType == eventType).OrderBy(c => c.Version).ToListAsync(cancellationToken);
    }

    /// <summary>One version, or null.</summary>
    public async Task<ContractVersion?> GetAsync(string eventType, int version, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        return await db.Set<ContractVersion>().AsNoTracking().SingleOrDefaultAsync(c => c.EventType == eventType && c.Version == version, cancellationToken);
    }

    /// <summary>The schema of a stored version as JSON.</summary>
    public static JsonElement SchemaOf(ContractVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        using var document = JsonDocument.Parse(version.SchemaJson);
        return document.RootElement.Clone();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered contract {EventType} v{Version} (breaking: {Breaking}, fingerprint {Fingerprint})")]
    private static partial void LogRegistered(ILogger logger, string eventType, int version, bool breaking, string fingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another registration took contract {EventType} v{Version} first; comparing again")]
    private static partial void LogRaced(ILogger logger, Exception exception, string eventType, int version);
}
