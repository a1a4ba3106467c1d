using Bridge.Replay.DeadLetters;
using Bridge.Store;
using Bridge.Store.Replays;
using Bridge.Topology;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Replay.ReplayJobs;

/// <summary>Replay jobs in the store: created queued, claimed by a runner, progress written while they run, ended once.</summary>
public sealed class ReplayJobStore(IDbContextFactory<BridgeDbContext> contexts, TimeProvider timeProvider)
{
    private static readonly ReplayJobStatus[] Active = [ReplayJobStatus.Queued, ReplayJobStatus.Running];

    /// <summary>Raised after a job was created or ended in this process, so a runner can start work at once.</summary>
    public event Action? Changed;

    /// <summary>Raised with the job's id after this process cancelled a job, so a runner stops it at once.</summary>
    public event Action<string>? Cancelled;

    /// <summary>Creates a queued replay of dead letters.</summary>
    public async Task<ReplayJob> CreateAsync(
        SubscriptionAddress address, DeadLetterSelection selection, int ratePerSecond, Uri? targetUrl, string requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var jobs = await CreateAsync(ReplayJobKind.DeadLetters, [address], selection.ToJson(), ratePerSecond, targetUrl, requestedBy, cancellationToken);
        return jobs[0];
    }

    /// <summary>Creates one queued job of <paramref name="kind"/> per subscription, all in one transaction.</summary>
    internal async Task<IReadOnlyList<ReplayJob>> CreateAsync(
        ReplayJobKind kind, IReadOnlyList<SubscriptionAddress> addresses, string selectionJson, int ratePerSecond, Uri? targetUrl, string requestedBy,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var now = timeProvider.GetUtcNow();
        var jobs = addresses.Select(address => new ReplayJob
        {
            Id = kind.Prefix() + Guid.NewGuid().ToString("N"),
            Topic = address.Topic,
            Subscription = address.Subscription,
            FilterJson = selectionJson,
            TargetUrl = targetUrl?.ToString(),
            RatePerSecond = ratePerSecond,
            Status = ReplayJobStatus.Queued,
            CreatedAt = now,
            RequestedBy = DeadLetterAudit.Truncate(requestedBy, 128),
        }).ToList();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.ReplayJobs.AddRange(jobs);
            await db.SaveChangesAsync(cancellationToken);
        }
        Changed?.Invoke();
        return jobs;
    }

    /// <summary>The job, or null.</summary>
    public async Task<ReplayJob?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ReplayJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
    }

    /// <summary>
    /// Jobs of <paramref name="kind"/> newest first, optionally of one topic, subscription or status, created before the
    /// job <paramref name="before"/>.
    /// </summary>
    public async Task<IReadOnlyList<ReplayJob>> ListAsync(
        ReplayJobKind kind, string? topic, string? subscription, ReplayJobStatus? status, string? before, int limit, CancellationToken cancellationToken)
    {
        var prefix = kind.Prefix();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.ReplayJobs.AsNoTracking().Where(j => j.Id.StartsWith(prefix));
        if (topic is not null)
        {
            query = query.Where(j => j.Topic == topic);
        }
        if (subscription is not null)
        {
            query = query.Where(j => j.Subscription == subscription);
        }
        if (status is { } s)
        {
            query = query.Where(j => j.Status == s);
        }
        if (before is not null && await db.ReplayJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == before, cancellationToken) is { } cursor)
        {
            query = query.Where(j => j.CreatedAt < cursor.CreatedAt || (j.CreatedAt == cursor.CreatedAt && string.Compare(j.Id, cursor.Id) < 0));
        }
        return await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Jobs of <paramref name="status"/>, oldest first.</summary>
    internal async Task<IReadOnlyList<ReplayJob>> WithStatusAsync(ReplayJobStatus status, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ReplayJobs.AsNoTracking().Where(j => j.Status == status)
            .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>True when a queued or running job for the subscription was requested by <paramref name="requestedBy"/>.</summary>
    internal async Task<bool> HasActiveAsync(SubscriptionAddress address, string requestedBy, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ReplayJobs.AnyAsync(
            j => j.Topic == address.Topic && j.Subscription == address.Subscription && j.RequestedBy == requestedBy && Active.Contains(j.Status),
            cancellationToken);
    }

    /// <summary>Moves a queued job to running; false when it is not queued any more (another runner took it, or it was cancelled).</summary>
    internal async Task<bool> ClaimAsync(string id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ReplayJobs.Where(j => j.Id == id && j.Status == ReplayJobStatus.Queued)
            .ExecuteUpdateAsync(j => j.SetProperty(x => x.Status, ReplayJobStatus.Running).SetProperty(x => x.StartedAt, now), cancellationToken) == 1;
    }

    /// <summary>Writes the counters; returns false when the job is no longer running (it was cancelled).</summary>
    internal async Task<bool> SaveProgressAsync(ReplayJobProgress progress, bool onlyWhileRunning, CancellationToken cancellationToken)
    {
        int total = progress.Total, replayed = progress.Replayed, skipped = progress.Skipped, failed = progress.Failed;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.ReplayJobs.Where(j => j.Id == progress.Job.Id);
        if (onlyWhileRunning)
        {
            query = query.Where(j => j.Status == ReplayJobStatus.Running);
        }
        return await query.ExecuteUpdateAsync(j => j
            .SetProperty(x => x.Total, total)
            .SetProperty(x => x.Replayed, replayed)
            .SetProperty(x => x.Skipped, skipped)
            .SetProperty(x => x.FailedCount, failed), cancellationToken) == 1;
    }

    /// <summary>Ends a running job (completed or failed) with its final counters; false when it had ended already (cancelled).</summary>
    internal async Task<bool> EndAsync(ReplayJobProgress progress, ReplayJobStatus status, string? error, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var message = error is null ? null : DeadLetterAudit.Truncate(error, 2048);
        await SaveProgressAsync(progress, onlyWhileRunning: false, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ended = await db.ReplayJobs.Where(j => j.Id == progress.Job.Id && j.Status == ReplayJobStatus.Running)
            .ExecuteUpdateAsync(j => j
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.CompletedAt, now)
                .SetProperty(x => x.Error, message), cancellationToken) == 1;
        Changed?.Invoke();
        return ended;
    }

    /// <summary>Cancels a queued or running job; returns the job as it is afterwards, and whether this call cancelled it.</summary>
    public async Task<(ReplayJob? Job, bool Cancelled)> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var cancelled = await db.ReplayJobs.Where(j => j.Id == id && Active.Contains(j.Status))
            .ExecuteUpdateAsync(j => j.SetProperty(x => x.Status, ReplayJobStatus.Cancelled).SetProperty(x => x.CompletedAt, now), cancellationToken) == 1;
        if (cancelled)
        {
            Cancelled?.Invoke(id);
        }
        var job = await db.ReplayJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return (job, cancelled);
    }

    /// <summary>The envelopes the job has sent, by its replay records.</summary>
    internal async Task<HashSet<string>> SentAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sent = await db.Replays.AsNoTracking().Where(r => r.JobId == id).Select(r => r.MessageId).ToListAsync(cancellationToken);
        return sent.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>How many dead letters the job has replayed, by its replay records.</summary>
    internal async Task<int> CountReplayedAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Replays.CountAsync(r => r.JobId == id, cancellationToken);
    }
}
