using Bridge.Store;
using Bridge.Store.DeadLetters;
using Bridge.Store.Sources;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Publisher.Sources;

/// <summary>What the sources keep in the store: the ids they published (against redeliveries) and the messages they could not read.</summary>
internal sealed class SourceStore(IDbContextFactory<BridgeDbContext> contexts, TimeProvider time)
{
    /// <summary>Which of <paramref name="ids"/> the source has already published.</summary>
    public async Task<HashSet<string>> PublishedAsync(string source, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var known = await db.Set<SourceReceipt>().AsNoTracking()
            .Where(r => r.Source == source && ids.Contains(r.MessageId))
            .Select(r => r.MessageId)
            .ToListAsync(cancellationToken);
        return [.. known];
    }

    /// <summary>Remembers that the source published <paramref name="ids"/> (ids already remembered are skipped).</summary>
    public async Task RememberAsync(string source, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        try
        {
            await BulkInsert.InsertAsync(db, [.. ids.Select(id => new SourceReceipt { Source = source, MessageId = id, ReceivedAt = now })], cancellationToken);
        }
#pragma warning disable CA1031 // providers differ in what a duplicate key throws (a redelivery raced another process): one row at a time then
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await RememberOneByOneAsync(source, ids, now, cancellationToken);
        }
    }

    /// <summary>Forgets receipts older than <paramref name="window"/>; returns how many.</summary>
    public async Task<int> PruneAsync(string source, TimeSpan window, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - window;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SourceReceipt>().Where(r => r.Source == source && r.ReceivedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Keeps messages the source could not read.</summary>
    public async Task AddDeadLettersAsync(IReadOnlyList<SourceDeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        if (deadLetters.Count == 0)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.AddRange(deadLetters);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A source's dead letters, newest first, older than <paramref name="before"/> (an id) when given; oldest first with <paramref name="oldestFirst"/>.</summary>
    public async Task<IReadOnlyList<SourceDeadLetter>> ListAsync(string source, DeadLetterState? state, long? before, int limit, CancellationToken cancellationToken, bool oldestFirst = false)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Set<SourceDeadLetter>().AsNoTracking().Where(d => d.Source == source);
        if (state is { } wanted)
        {
            query = query.Where(d => d.State == wanted);
        }

        if (before is { } id)
        {
            query = query.Where(d => d.Id < id);
        }

        return await (oldestFirst ? query.OrderBy(d => d.Id) : query.OrderByDescending(d => d.Id)).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Open dead letters per source.</summary>
    public async Task<Dictionary<string, int>> OpenCountsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SourceDeadLetter>().AsNoTracking().Where(d => d.State == DeadLetterState.Open)
            .GroupBy(d => d.Source).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>One dead letter of the source, or null.</summary>
    public async Task<SourceDeadLetter?> FindAsync(string source, long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SourceDeadLetter>().AsNoTracking().FirstOrDefaultAsync(d => d.Source == source && d.Id == id, cancellationToken);
    }

    /// <summary>
    /// Marks an open dead letter replayed or purged (by whom, when); false when it was no longer open (someone else was
    /// first). A replay claims it this way before it publishes, so two replays never both publish it.
    /// </summary>
    public async Task<bool> ResolveAsync(long id, DeadLetterState state, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var who = by.Length > 128 ? by[..128] : by;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var changed = await db.Set<SourceDeadLetter>().Where(d => d.Id == id && d.State == DeadLetterState.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, state).SetProperty(d => d.ResolvedAt, now).SetProperty(d => d.ResolvedBy, who), cancellationToken);
        return changed == 1;
    }

    /// <summary>Records the ids a replay published.</summary>
    public async Task ReplayedAsync(long id, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var text = string.Join(',', ids);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Set<SourceDeadLetter>().Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ReplayedIds, text), cancellationToken);
    }

    /// <summary>Opens a dead letter again whose replay failed after claiming it.</summary>
    public async Task ReopenAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Set<SourceDeadLetter>().Where(d => d.Id == id && d.State == DeadLetterState.Replayed)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeadLetterState.Open).SetProperty(d => d.ResolvedAt, (DateTimeOffset?)null)
                .SetProperty(d => d.ResolvedBy, (string?)null), cancellationToken);
    }

    private async Task RememberOneByOneAsync(string source, IReadOnlyCollection<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = await PublishedAsync(source, ids, cancellationToken);
        foreach (var id in ids.Where(i => !known.Contains(i)))
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.Add(new SourceReceipt { Source = source, MessageId = id, ReceivedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another process remembered it meanwhile: what matters is that it is remembered.
            }
        }
    }
}
