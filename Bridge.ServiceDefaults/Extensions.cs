using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Defaults every Bridge service shares: OpenTelemetry, health checks, ProblemDetails and resilient shutdown.
/// Read Aspire-style configuration directly, so services run the same under an AppHost, in containers and standalone.
/// </summary>
public static partial class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Adds OpenTelemetry, default health checks and ProblemDetails.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDefaultLogLevels();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddDefaultOpenApi();
        builder.Services.AddProblemDetails(UseBridgeProblemTypes);
        builder.Services.Configure<ExceptionHandlerOptions>(UseBadRequestStatus);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false); // no product banner
        // A bad route or query value is the caller's mistake: a 400 ProblemDetails, in every environment.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        // Numbers are numbers: the API contract does not accept them as strings.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        builder.Services.AddHttpClient();
        builder.Services.AddRateLimiter(_ => { }); // policies come from the features (e.g. the publisher's per-publisher limit)
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>Adds a liveness check tagged <c>live</c>; readiness checks are added by each feature.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Answers every error as ProblemDetails (unhandled exceptions and empty 4xx/5xx alike) and maps the OpenAPI
    /// document, <c>/health</c> (every check must pass) and <c>/alive</c> (liveness only).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter(); // after authentication, so a limit can be per caller
        app.MapOpenApi(OpenApiPath);
        app.MapHealthChecks(HealthEndpointPath).WithTags("Health").WithName("Health");
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") })
            .WithTags("Health").WithName("Alive");
        return app;
    }
}
