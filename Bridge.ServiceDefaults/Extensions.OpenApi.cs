using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static partial class Extensions
{
    /// <summary>The route of the OpenAPI document.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>Generates an OpenAPI document from the endpoints' metadata and Bridge's conventions (security, problems, tags).</summary>
    public static TBuilder AddDefaultOpenApi<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var title = "Bridge " + builder.Environment.ApplicationName.Replace("Bridge.", "", StringComparison.Ordinal);
        builder.Services.AddOpenApi(options => OpenApiConventions.Apply(options, title));
        return builder;
    }
}
