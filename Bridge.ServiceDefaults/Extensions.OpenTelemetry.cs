using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static partial class Extensions
{
    /// <summary>Meters of the server beside the instrumentation packages' own: Kestrel's connections and Bridge's.</summary>
    private static readonly string[] Meters = ["Microsoft.AspNetCore.Server.Kestrel", BridgeSource];

    /// <summary>Name of Bridge's ActivitySource and Meter (<c>BridgeTelemetry.Name</c> in Bridge.Core).</summary>
    private const string BridgeSource = "Bridge";

    /// <summary>
    /// Wires OpenTelemetry: traces, metrics and logs of ASP.NET Core, HttpClient, the runtime and Bridge's own source and
    /// meter, on a resource naming the service, its version and the deployment environment. Exports over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the other <c>OTEL_*</c> settings are read from configuration).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var environment = builder.Environment.EnvironmentName;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(serviceName, serviceVersion: ServiceVersion(), autoGenerateServiceInstanceId: true)
                .AddAttributes([new(DeploymentEnvironmentAttribute, environment)]))
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            })
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !IsProbe(context.Request.Path);
                    o.RecordException = true;
                    // The instrumentation sets error.type on 5xx only; a refused call (401, 404, 422…) is worth finding too.
                    // The span status stays unset on 4xx, as the HTTP conventions ask of server spans.
                    o.EnrichWithHttpResponse = (activity, response) =>
                    {
                        if (response.StatusCode is >= 400 and < 500 && activity.IsAllDataRequested)
                        {
                            activity.SetTag("error.type", response.StatusCode.ToString(CultureInfo.InvariantCulture));
                        }
                    };
                })
                .AddHttpClientInstrumentation(o => o.RecordException = true)
                .AddSource(BridgeSource))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Meters));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The resource attribute of the deployment environment (semantic conventions 1.27+).</summary>
    private const string DeploymentEnvironmentAttribute = "deployment.environment.name";

    /// <summary>Health probes are polled every few seconds: tracing them would bury the requests that matter.</summary>
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(AlivenessEndpointPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>The entry assembly's informational version (with the source revision when the build stamped one).</summary>
    private static string? ServiceVersion()
    {
        var assembly = Assembly.GetEntryAssembly();
        return assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString();
    }
}
