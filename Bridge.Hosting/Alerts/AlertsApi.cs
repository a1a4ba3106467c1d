using Bridge.Http;
using Bridge.Security;
using Bridge.Store;
using Bridge.Store.Alerts;
using Bridge.Topology;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Hosting.Alerts;

/// <summary>The admin API of alerts: <c>/api/alerts</c> (open alerts and their history) and <c>/api/alert-rules</c>.</summary>
public static class AlertsApi
{
    private const int MaxLimit = 500;

    /// <summary>Maps <c>/api/alerts</c> and <c>/api/alert-rules</c> (admin only).</summary>
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/alerts").WithTags("Alerts").RequireAdmin();
        alerts.MapGet("/", ListAlertsAsync)
            .WithName("ListAlerts")
            .WithSummary("List alerts")
            .WithDescription("Alerts newest first: 'state' open (the default), cleared or all; at most 'limit' (1-500, default 100). An alert fires once "
                + "when its rule's condition starts and clears once when it ends; its two events (bridge.alert.fired, bridge.alert.cleared) go to "
                + "the alert topic (Bridge:Alerts:Topic).")
            .ProducesValidationProblem();
        alerts.MapGet("/{id}", GetAlertAsync)
            .WithName("GetAlert")
            .WithSummary("Get an alert")
            .WithDescription("One alert: its rule, subject, when it fired and cleared, the value measured, the peak while open, and the members in breach.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var rules = app.MapGroup("/api/alert-rules").WithTags("Alerts").RequireAdmin();
        rules.MapGet("/", ListRulesAsync)
            .WithName("ListAlertRules")
            .WithSummary("List alert rules")
            .WithDescription("Every rule in force: those of configuration (Bridge:Alerts:Rules, read-only here) and those made through this API.");
        rules.MapGet("/{name}", GetRuleAsync)
            .WithName("GetAlertRule")
            .WithSummary("Get an alert rule")
            .WithDescription("One rule with its settings and origin (configuration or api).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapPut("/{name}", PutRuleAsync)
            .WithName("PutAlertRule")
            .WithSummary("Create or replace an alert rule")
            .WithDescription("Stores the rule under the name (1-63 of a-z, 0-9, '-', '_'): 201 when new, 200 when replaced. Kinds: deadLetterDepth, "
                + "endpointUnavailable, failureRatio, publishRefusals, retriesExhausted. A rule of configuration cannot be changed here (409).")
            .WithRequestExample("""{ "kind": "failureRatio", "topic": "orders", "threshold": 0.5, "window": "00:05:00", "minAttempts": 20, "minInterval": "00:15:00", "groupBy": "subject" }""")
            .Produces<AlertRuleView>(StatusCodes.Status201Created)
            .Produces<AlertRuleView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        rules.MapDelete("/{name}", DeleteRuleAsync)
            .WithName("DeleteAlertRule")
            .WithSummary("Delete an alert rule")
            .WithDescription("Removes a rule made through this API; its open alerts clear at the next check. A rule of configuration cannot be removed here (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>Alerts, newest first.</summary>
    internal static async Task<Results<Ok<AlertList>, ProblemHttpResult>> ListAlertsAsync(
        IDbContextFactory<BridgeDbContext> contexts, string? state, int? limit, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (state is not (null or "open" or "cleared" or "all"))
        {
            errors["state"] = ["One of open, cleared, all."];
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"From 1 to {MaxLimit}."];
        }
        if (errors.Count > 0)
        {
            return Problems.InvalidQuery(errors);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Set<AlertRecord>().AsNoTracking();
        query = (state ?? "open") switch
        {
            "open" => query.Where(a => a.ClearedAt == null),
            "cleared" => query.Where(a => a.ClearedAt != null),
            _ => query,
        };
        var items = await query.OrderByDescending(a => a.OpenedAt).Take(limit ?? 100).ToListAsync(cancellationToken);
        return TypedResults.Ok(new AlertList([.. items.Select(AlertView.From)]));
    }

    /// <summary>One alert.</summary>
    internal static async Task<Results<Ok<AlertView>, ProblemHttpResult>> GetAlertAsync(
        string id, IDbContextFactory<BridgeDbContext> contexts, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var alert = id.Length == 32 ? await db.Set<AlertRecord>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) : null;
        return alert is null ? NotFound("alert", id) : TypedResults.Ok(AlertView.From(alert));
    }

    /// <summary>Every rule in force.</summary>
    internal static async Task<Ok<AlertRuleList>> ListRulesAsync(AlertRuleStore rules, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AlertRuleList(await rules.ListAsync(cancellationToken)));

    /// <summary>One rule.</summary>
    internal static async Task<Results<Ok<AlertRuleView>, ProblemHttpResult>> GetRuleAsync(string name, AlertRuleStore rules, CancellationToken cancellationToken) =>
        (await rules.ListAsync(cancellationToken)).FirstOrDefault(r => r.Name == name) is { } rule ? TypedResults.Ok(rule) : NotFound("alert rule", name);

    /// <summary>Creates or replaces a rule made through the API.</summary>
    internal static async Task<Results<Created<AlertRuleView>, Ok<AlertRuleView>, ProblemHttpResult>> PutRuleAsync(
        string name, AlertRuleOptions? rule, AlertRuleStore rules, TopologyCatalog catalog, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = rule is null
            ? new Dictionary<string, string[]>(StringComparer.Ordinal) { ["body"] = ["Required: the rule as JSON."] }
            : AlertRuleValidation.Validate(rule, "", catalog);
        if (!AlertRuleValidation.IsValidName(name))
        {
            errors["name"] = ["1-63 of a-z, 0-9, '-', '_', starting with a letter or digit."];
        }
        if (errors.Count > 0)
        {
            return Problems.InvalidRequest(errors);
        }
        if (rules.IsConfigured(name))
        {
            return Configured(name);
        }

        var created = await rules.SaveAsync(name, rule!, BridgeClaims.PublisherOf(context.User), cancellationToken);
        var view = new AlertRuleView(name, "api", rule!);
        return created ? TypedResults.Created($"/api/alert-rules/{name}", view) : TypedResults.Ok(view);
    }

    /// <summary>Removes a rule made through the API.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteRuleAsync(string name, AlertRuleStore rules, CancellationToken cancellationToken)
    {
        if (rules.IsConfigured(name))
        {
            return Configured(name);
        }
        return AlertRuleValidation.IsValidName(name) && await rules.DeleteAsync(name, cancellationToken) ? TypedResults.NoContent() : NotFound("alert rule", name);
    }

    private static ProblemHttpResult NotFound(string what, string name) =>
        Problems.Create(StatusCodes.Status404NotFound, "not-found", "Not found", $"There is no {what} '{Printable(name)}'.");

    private static ProblemHttpResult Configured(string name) =>
        Problems.Create(StatusCodes.Status409Conflict, "configured-rule", "Rule from configuration",
            $"The rule '{name}' comes from configuration (Bridge:Alerts:Rules); change it there.");

    private static string Printable(string text) => new([.. text.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);
}

/// <summary>A page of alerts.</summary>
/// <param name="Items">The alerts, newest first.</param>
public sealed record AlertList(IReadOnlyList<AlertView> Items);

/// <summary>The alert rules in force.</summary>
/// <param name="Items">The rules: configuration's first, each by name.</param>
public sealed record AlertRuleList(IReadOnlyList<AlertRuleView> Items);
