using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Store;
using Bridge.Store.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Hosting.Alerts;

/// <summary>An alert rule as the API shows it: its settings and whether configuration or the API made it.</summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Origin"><c>configuration</c> (read-only here) or <c>api</c>.</param>
/// <param name="Rule">The settings.</param>
public sealed record AlertRuleView(string Name, string Origin, AlertRuleOptions Rule);

/// <summary>The rules in force: those of <c>Bridge:Alerts:Rules</c> and those stored through the admin API.</summary>
public sealed class AlertRuleStore(IDbContextFactory<BridgeDbContext> contexts, IOptions<AlertOptions> options, TimeProvider time)
{
    /// <summary>How rules are written as JSON (the API's shape: camel case, enums as names by their own converters).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Every rule, configuration's first, each by name.</summary>
    public async Task<IReadOnlyList<AlertRuleView>> ListAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.Rules.Select(r => new AlertRuleView(r.Key, "configuration", r.Value));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.Set<AlertRuleRecord>().AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken);
        return [.. configured.OrderBy(r => r.Name, StringComparer.Ordinal),
            .. stored.Where(r => !options.Value.Rules.ContainsKey(r.Name)).Select(r => new AlertRuleView(r.Name, "api", Read(r.Definition)))];
    }

    /// <summary>Whether configuration owns <paramref name="name"/> (then the API may not change it).</summary>
    public bool IsConfigured(string name) => options.Value.Rules.ContainsKey(name);

    /// <summary>Stores <paramref name="rule"/> as <paramref name="name"/>; true when it was new.</summary>
    public async Task<bool> SaveAsync(string name, AlertRuleOptions rule, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var record = await db.Set<AlertRuleRecord>().FirstOrDefaultAsync(r => r.Name == name, cancellationToken);
        var created = record is null;
        record ??= db.Set<AlertRuleRecord>().Add(new AlertRuleRecord { Name = name, Definition = "", UpdatedBy = by, CreatedAt = now }).Entity;
        record.Definition = JsonSerializer.Serialize(rule, Json);
        record.UpdatedBy = by;
        record.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return created;
    }

    /// <summary>Removes the stored rule <paramref name="name"/>; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<AlertRuleRecord>().Where(r => r.Name == name).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    private static AlertRuleOptions Read(string definition) => JsonSerializer.Deserialize<AlertRuleOptions>(definition, Json) ?? new AlertRuleOptions();
}
