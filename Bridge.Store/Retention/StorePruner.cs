using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;
using Bridge.Store.Deliveries;
using Bridge.Store.Events;
using Bridge.Store.Replays;
using Bridge.Store.Sources;
using Bridge.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Store.Retention;

/// <summary>
/// Removes audit rows older than their period (<see cref="RetentionOptions"/>): events, attempts and deliveries by
/// their topic's period, dead letters and replays by theirs. Each statement deletes at most
/// <see cref="RetentionOptions.BatchSize"/> rows, oldest first along the table's time index, and is its own short
/// transaction, with <see cref="RetentionOptions.BatchPause"/> between two, so the audit writer is never kept out long.
/// Deleting what another process deleted first deletes nothing, so several processes pruning one store is harmless.
/// </summary>
internal sealed class StorePruner(IDbContextFactory<BridgeDbContext> contexts, IOptions<RetentionOptions> options, TimeProvider time)
{
    private const string TopicColumn = "Topic";

    /// <summary>Prunes every table once; returns how many rows of each it removed.</summary>
    public async Task<RetentionRun> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var overridden = settings.Topics.Keys.ToList();
        Scope[] trail = [new(null, now - settings.Events), .. settings.Topics.Select(t => new Scope(t.Key, now - t.Value))];
        Scope[] deadLetters = [new(null, now - settings.DeadLetters)];
        return new RetentionRun(
            Events: await PruneAsync<AuditedEvent>("events", nameof(AuditedEvent.AcceptedAt), trail, overridden, cancellationToken),
            Attempts: await PruneAsync<DeliveryAttempt>("attempts", nameof(DeliveryAttempt.StartedAt), trail, overridden, cancellationToken),
            Deliveries: await PruneAsync<DeliveryRecord>("deliveries", nameof(DeliveryRecord.LastAttemptAt), trail, overridden, cancellationToken),
            DeadLetters: await PruneAsync<DeadLetterRecord>("dead_letters", nameof(DeadLetterRecord.DeadLetteredAt), deadLetters, [], cancellationToken)
                // A source's open dead letter is the only copy of its message: only replayed or purged ones age out.
                + await PruneAsync<SourceDeadLetter>("source_dead_letters", nameof(SourceDeadLetter.DeadLetteredAt), deadLetters, [], cancellationToken,
                    rows => rows.Where(d => d.State != DeadLetterState.Open)),
            Replays: await PruneAsync<ReplayRecord>("replays", nameof(ReplayRecord.ReplayedAt), deadLetters, [], cancellationToken));
    }

    /// <summary>Deletes, batch by batch, the rows of <typeparamref name="T"/> whose <paramref name="column"/> is before each scope's cutoff.</summary>
    private async Task<long> PruneAsync<T>(
        string record, string column, IEnumerable<Scope> scopes, List<string> overridden, CancellationToken cancellationToken, Func<IQueryable<T>, IQueryable<T>>? only = null)
        where T : class
    {
        var settings = options.Value;
        long total = 0;
        foreach (var scope in scopes)
        {
            while (true)
            {
                int deleted;
                await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
                {
                    var expired = Expired<T>(db, column, scope, overridden);
                    deleted = await (only is null ? expired : only(expired)).Take(settings.BatchSize).ExecuteDeleteAsync(cancellationToken);
                }

                if (deleted > 0)
                {
                    total += deleted;
                    BridgeTelemetry.Pruned.Add(deleted, new KeyValuePair<string, object?>("record", record));
                }

                if (deleted < settings.BatchSize)
                {
                    break;
                }

                await Task.Delay(settings.BatchPause, time, cancellationToken);
            }
        }
        return total;
    }

    /// <summary>
    /// The rows of the scope older than its cutoff, oldest first: those of its topic, or — for the default scope — of
    /// every topic without a period of its own.
    /// </summary>
    private static IQueryable<T> Expired<T>(BridgeDbContext db, string column, Scope scope, List<string> overridden)
        where T : class
    {
        var cutoff = scope.Cutoff;
        var rows = db.Set<T>().Where(r => EF.Property<DateTimeOffset>(r, column) < cutoff);
        if (scope.Topic is { } topic)
        {
            rows = rows.Where(r => EF.Property<string>(r, TopicColumn) == topic);
        }
        else if (overridden.Count > 0)
        {
            rows = rows.Where(r => !overridden.Contains(EF.Property<string>(r, TopicColumn)));
        }
        return rows.OrderBy(r => EF.Property<DateTimeOffset>(r, column));
    }

    /// <summary>Rows before <paramref name="Cutoff"/>, of <paramref name="Topic"/> or (null) of every topic without its own period.</summary>
    private sealed record Scope(string? Topic, DateTimeOffset Cutoff);
}

/// <summary>The rows one pruning run removed, per record.</summary>
internal sealed record RetentionRun(long Events, long Attempts, long Deliveries, long DeadLetters, long Replays)
{
    /// <summary>Every row removed.</summary>
    public long Total => Events + Attempts + Deliveries + DeadLetters + Replays;
}
