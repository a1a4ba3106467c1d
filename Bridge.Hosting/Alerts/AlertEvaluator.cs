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
/// open alert per rule and subject — a unique key, so two processes cannot both open it — and the history. Only the
/// rules whose signals this process has are checked here (delivery rules where webhooks are called, dead-letter depth
/// where dead letters are counted, refusals where the publish API runs).
/// </summary>
public sealed partial class AlertEvaluator(
    AlertConditions conditions, AlertRuleStore rules, AlertNotifier notifier, IDbContextFactory<BridgeDbContext> contexts,
    IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertEvaluator> logger) : BackgroundService
{
    private static readonly Counter<long> Fired = BridgeTelemetry.Meter.CreateCounter<long>("bridge.alerts.fired", "{alert}", "Alerts that fired (their condition started).");
    private static readonly Counter<long> Cleared = BridgeTelemetry.Meter.CreateCounter<long>("bridge.alerts.cleared", "{alert}", "Alerts that cleared (their condition ended).");
    private IReadOnlyList<AlertRecord> _open = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        BridgeTelemetry.Meter.CreateObservableGauge("bridge.alerts.open", ObserveOpen, "{alert}", "Alerts open now, per rule and kind.");
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
                    LogFailed(logger, ex); // the store or the broker is away: the next round tries again, nothing was marked
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>One round: fires what started, clears what ended.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var all = await rules.ListAsync(cancellationToken);
        var inForce = all.Where(r => r.Rule.Kind is { } kind && conditions.Evaluates(kind)).ToList();
        var known = all.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        conditions.Refresh();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = await db.Set<AlertRecord>().Where(a => a.OpenKey == AlertRecord.Open).ToListAsync(cancellationToken);

        foreach (var (name, _, rule) in inForce)
        {
            var breaches = conditions.Breaches(rule);
            foreach (var breach in breaches)
            {
                var current = open.FirstOrDefault(a => a.Rule == name && a.Subject == breach.Subject);
                if (current is null)
                {
                    await FireAsync(db, name, rule, breach, cancellationToken);
                }
                else if (breach.Value > current.Peak)
                {
                    current.Peak = breach.Value;
                    await db.SaveChangesAsync(cancellationToken);
                }
            }
            foreach (var ended in open.Where(a => a.Rule == name && breaches.All(b => b.Subject != a.Subject)))
            {
                await ClearAsync(db, ended, null, cancellationToken);
            }
        }

        foreach (var orphan in open.Where(a => !known.Contains(a.Rule)))
        {
            await ClearAsync(db, orphan, "The rule was removed.", cancellationToken);
        }
        _open = await db.Set<AlertRecord>().AsNoTracking().Where(a => a.OpenKey == AlertRecord.Open).ToListAsync(cancellationToken);
    }

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
            Kind = JsonNamingPolicy.CamelCase.ConvertName(rule.Kind!.Value.ToString()),
            Subject = breach.Subject,
            OpenKey = AlertRecord.Open,
            OpenedAt = now,
            Value = breach.Value,
            Peak = breach.Value,
            Threshold = rule.Kind == AlertKind.EndpointUnavailable ? rule.For.TotalSeconds : rule.EffectiveThreshold,
            Summary = Shorten(breach.Summary),
            Members = breach.Members.Count > 0 ? JsonSerializer.Serialize(breach.Members) : null,
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

        try
        {
            await notifier.NotifyAsync(alert, cancellationToken);
        }
        catch
        {
            db.Set<AlertRecord>().Remove(alert); // not told: not fired, the next round tries again
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        Fired.Add(1, new("rule", name), new("kind", alert.Kind));
        LogFired(logger, name, alert.Subject, alert.Summary);
    }

    private async Task ClearAsync(BridgeDbContext db, AlertRecord alert, string? why, CancellationToken cancellationToken)
    {
        alert.ClearedAt = time.GetUtcNow();
        alert.OpenKey = alert.Id;
        if (why is not null)
        {
            alert.Summary = Shorten($"{alert.Summary} — {why}");
        }
        await notifier.NotifyAsync(alert, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Cleared.Add(1, new("rule", alert.Rule), new("kind", alert.Kind));
        LogCleared(logger, alert.Rule, alert.Subject);
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
}
