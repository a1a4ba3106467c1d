using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static partial class Extensions
{
    /// <summary>The route of the OpenAPI document.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Generates an OpenAPI document from the endpoints' metadata.</summary>
    public static TBuilder AddDefaultOpenApi<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Bridge " + builder.Environment.ApplicationName.Replace("Bridge.", "", StringComparison.Ordinal);
            document.Info.Description = "Bridge links iPaaS recipes and message brokers: publish events to topics, deliver them to webhooks, replay dead letters.";
            return Task.CompletedTask;
        }));
        return builder;
    }
}
