using System.Diagnostics.Metrics;
using System.Text.Json;
using Bridge.Store;
using Bridge.Store.Alerts;
using Bridge.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Hosting.Alerts;

/// <summary>
/// Checks every rule each <see cref="AlertOptions.EvaluationInterval"/>: an alert fires once when its condition starts
/// (not again within the rule's <c>MinInterval</c> of its last firing) and clears once when it ends. The store holds one
/// open alert per rule and subject (a unique key, so two processes cannot both open it), the process that checks it
/// (its owner; another process takes over an alert whose owner has been silent for a while), and whether each of its
/// two events was sent — an event that could not be sent is sent again next round with the same id, so receivers
/// dedupe it. Only the rules whose signals this process has are checked here, and a condition that is judged over a
/// window is not declared ended before this process has watched it for that long (after a restart, say).
/// </summary>
public sealed partial class AlertEvaluator(
    AlertConditions conditions, AlertRuleStore rules, AlertNotifier notifier, IDbContextFactory<BridgeDbContext> contexts,
    IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertEvaluator> logger) : BackgroundService
{
    private static readonly Counter<long> Fired = BridgeTelemetry.Meter.CreateCounter<long>("bridge.alerts.fired", "{alert}", "Alerts that fired (their condition started).");
    private static readonly Counter<long> Cleared = BridgeTelemetry.Meter.CreateCounter<long>("bridge.alerts.cleared", "{alert}", "Alerts that cleared (their condition ended).");
    private readonly string _owner = $"{(Environment.MachineName.Length > 64 ? Environment.MachineName[..64] : Environment.MachineName)}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private IReadOnlyList<AlertRecord> _open = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BridgeTelemetry.Meter.CreateObservableGauge("bridge.alerts.open", ObserveOpen, "{alert}", "Alerts open now that this process checks, per rule and kind.");
        using var timer = new PeriodicTimer(options.Value.EvaluationInterval, time);
        try
        {
            do
            {
                try
                {
                    await EvaluateAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex); // the store is away: the next round tries again
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>One round: fires what started, clears what ended, sends what could not be sent before.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var all = await rules.ListAsync(cancellationToken);
        var known = all.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        if (all.Count > 0)
        {
            conditions.Activate();
        }
        conditions.Refresh();
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Set<AlertRecord>().Where(a => a.OpenKey == AlertRecord.Open).ToListAsync(cancellationToken);

        foreach (var (name, _, rule) in all.Where(r => r.Rule.Kind is { } kind && conditions.Evaluates(kind)))
        {
            var breaches = conditions.Breaches(rule);
            foreach (var breach in breaches)
            {
                var current = open.FirstOrDefault(a => a.Rule == name && a.Subject == breach.Subject);
                await TryAsync(current is null ? FireAsync(db, name, rule, breach, cancellationToken) : KeepAsync(db, current, breach, now, cancellationToken));
            }

            var watchedLongEnough = now - _started >= rule.Kind switch
            {
                AlertKind.EndpointUnavailable => rule.For,
                AlertKind.DeadLetterDepth => TimeSpan.Zero, // a count, not a window: Knows says whether it is known
                _ => rule.Window,
            };
            foreach (var ended in open.Where(a => a.Rule == name && breaches.All(b => b.Subject != a.Subject)))
            {
                if (Mine(ended, now) && watchedLongEnough && conditions.Knows(rule, ended.Subject))
                {
                    await TryAsync(ClearAsync(db, ended, null, cancellationToken));
                }
            }
        }

        foreach (var orphan in open.Where(a => !known.Contains(a.Rule) && Mine(a, now)))
        {
            await TryAsync(ClearAsync(db, orphan, "The rule is no longer in force.", cancellationToken));
        }

        await ResendAsync(db, now, cancellationToken);
        _open = await db.Set<AlertRecord>().AsNoTracking().Where(a => a.OpenKey == AlertRecord.Open && a.Owner == _owner).ToListAsync(cancellationToken);
    }

    /// <summary>Whether this process may decide on <paramref name="alert"/>: it owns it, or its owner has been silent too long.</summary>
    private bool Mine(AlertRecord alert, DateTimeOffset now) => alert.Owner == _owner || alert.CheckedAt < now - StaleAfter;

    private TimeSpan StaleAfter => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, options.Value.EvaluationInterval.Ticks * 4));

    private async Task FireAsync(BridgeDbContext db, string name, AlertRuleOptions rule, AlertBreach breach, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now - rule.MinInterval;
        if (await db.Set<AlertRecord>().AnyAsync(a => a.Rule == name && a.Subject == breach.Subject && a.OpenedAt > since, cancellationToken))
        {
            return; // fired within the minimum interval: quiet until it has passed
        }

        var alert = new AlertRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Rule = name,
            Kind = CamelCaseEnum.Name(rule.Kind!.Value),
            Subject = breach.Subject,
            OpenKey = AlertRecord.Open,
            OpenedAt = now,
            Value = breach.Value,
            Peak = breach.Value,
            Threshold = rule.Kind == AlertKind.EndpointUnavailable ? rule.For.TotalSeconds : rule.EffectiveThreshold,
            Summary = Shorten(breach.Summary),
            Members = breach.Members.Count > 0 ? JsonSerializer.Serialize(breach.Members) : null,
            Owner = _owner,
            CheckedAt = now,
        };
        db.Set<AlertRecord>().Add(alert);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(alert).State = EntityState.Detached; // another process opened it first
            return;
        }

        Fired.Add(1, new("rule", name), new("kind", alert.Kind));
        LogFired(logger, name, alert.Subject, alert.Summary);
        await SendAsync(db, alert, cancellationToken);
    }

    /// <summary>Still in breach: the owner notes it (and the peak); a process finding the owner silent takes the alert over.</summary>
    private async Task KeepAsync(BridgeDbContext db, AlertRecord alert, AlertBreach breach, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!Mine(alert, now))
        {
            return;
        }
        alert.Owner = _owner;
        alert.CheckedAt = now;
        alert.Peak = Math.Max(alert.Peak, breach.Value);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Claims the clear in the store (one process wins), then sends the cleared event.</summary>
    private async Task ClearAsync(BridgeDbContext db, AlertRecord alert, string? why, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var summary = why is null ? alert.Summary : Shorten($"{alert.Summary} — {why}");
        var claimed = await db.Set<AlertRecord>()
            .Where(a => a.Id == alert.Id && a.OpenKey == AlertRecord.Open)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.OpenKey, alert.Id).SetProperty(a => a.ClearedAt, now)
                .SetProperty(a => a.Summary, summary).SetProperty(a => a.Owner, _owner), cancellationToken);
        db.Entry(alert).State = EntityState.Detached;
        if (claimed == 0)
        {
            return; // another process cleared it
        }

        var cleared = await db.Set<AlertRecord>().FirstAsync(a => a.Id == alert.Id, cancellationToken);
        Cleared.Add(1, new("rule", cleared.Rule), new("kind", cleared.Kind));
        LogCleared(logger, cleared.Rule, cleared.Subject);
        await SendAsync(db, cleared, cancellationToken);
    }

    /// <summary>Sends again the events of this process's alerts that could not be sent (same ids: receivers dedupe).</summary>
    private async Task ResendAsync(BridgeDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stale = now - StaleAfter;
        var unsent = await db.Set<AlertRecord>()
            .Where(a => (!a.FiredSent || (a.ClearedAt != null && !a.ClearedSent)) && (a.Owner == _owner || a.CheckedAt < stale))
            .OrderBy(a => a.OpenedAt).Take(100).ToListAsync(cancellationToken);
        foreach (var alert in unsent)
        {
            await TryAsync(SendAsync(db, alert, cancellationToken));
        }
    }

    /// <summary>Sends what <paramref name="alert"/> still owes — its fired event, then its cleared one — and notes each sent.</summary>
    private async Task SendAsync(BridgeDbContext db, AlertRecord alert, CancellationToken cancellationToken)
    {
        if (!alert.FiredSent)
        {
            await notifier.NotifyAsync(alert, cleared: false, cancellationToken);
            alert.FiredSent = true;
            await db.SaveChangesAsync(cancellationToken);
        }
        if (alert.ClearedAt is not null && !alert.ClearedSent)
        {
            await notifier.NotifyAsync(alert, cleared: true, cancellationToken);
            alert.ClearedSent = true;
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>One alert's step; a failure is logged and the round goes on with the others (what was not sent is sent next round).</summary>
    private async Task TryAsync(Task step)
    {
        try
        {
            await step;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStepFailed(logger, ex);
        }
    }

    private IEnumerable<Measurement<long>> ObserveOpen() =>
        _open.GroupBy(a => (a.Rule, a.Kind)).Select(g => new Measurement<long>(g.Count(), new("rule", g.Key.Rule), new("kind", g.Key.Kind)));

    private static string Shorten(string text) => text.Length <= 1000 ? text : text[..999] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Rule} fired for {Subject}: {Summary}")]
    private static partial void LogFired(ILogger logger, string rule, string subject, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Rule} cleared for {Subject}")]
    private static partial void LogCleared(ILogger logger, string rule, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the alert rules failed; the next round tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An alert could not be fired, cleared or sent; the next round tries again")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
