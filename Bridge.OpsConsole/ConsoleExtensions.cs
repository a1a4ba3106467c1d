using Bridge.Http;
using Bridge.OpsConsole.Metrics;
using Bridge.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bridge.OpsConsole;

/// <summary>The ops console, served by Bridge itself at <c>/console</c>.</summary>
public static class ConsoleExtensions
{
    /// <summary>Registers the console's in-process metrics.</summary>
    public static IHostApplicationBuilder AddConsole(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ConsoleMetrics>();
        return builder;
    }

    /// <summary>
    /// Maps the console: its page and assets (public: they hold no data), sign-in and sign-out, and its metrics API
    /// (admin only). Everything else it shows comes from Bridge's own APIs, called with the session cookie.
    /// </summary>
    public static WebApplication MapConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Services.GetRequiredService<ConsoleMetrics>(); // listening from start-up on
        app.MapConsoleSessionApi();
        app.MapGet("/console/api/metrics", Metrics).RequireAdmin().ExcludeFromDescription();
        app.MapGet("/console", (HttpContext context) => ConsoleAssets.Serve(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/console/{**path}", (HttpContext context) => ConsoleAssets.Serve(context, context.Request.Path.Value!["/console/".Length..])).ExcludeFromDescription();
        return app;
    }

    private static Results<Ok<MetricsSnapshot>, ProblemHttpResult> Metrics(string? window, ConsoleMetrics metrics) =>
        MetricWindow.Named(window ?? MetricWindow.FiveMinutes.Name) is { } known
            ? TypedResults.Ok(metrics.Read(known))
            : Problems.InvalidRequest(new Dictionary<string, string[]> { ["window"] = [$"window must be one of {string.Join(", ", MetricWindow.All.Select(w => w.Name))}."] });
}
