using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.OpenApi;

namespace Bridge.Http;

/// <summary>OpenAPI helpers for endpoints that read their body themselves.</summary>
public static class OpenApiExtensions
{
    /// <summary>
    /// Documents a required request body of <paramref name="mediaType"/> without adding content-type routing
    /// constraints (so a wrong content type still reaches the handler and gets a ProblemDetails 415).
    /// </summary>
    public static TBuilder WithJsonRequestBody<TBuilder>(this TBuilder builder, string description, JsonSchemaType type, string example, string mediaType = "application/json")
        where TBuilder : IEndpointConventionBuilder
    {
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [mediaType] = new OpenApiMediaType { Schema = Schema(type), Example = JsonNode.Parse(example) },
                },
            };
            return Task.CompletedTask;
        });
    }

    /// <summary>Adds <paramref name="example"/> (JSON) to every media type of the operation's request body.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, string example)
        where TBuilder : IEndpointConventionBuilder
    {
        return builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                media.Example = JsonNode.Parse(example);
            }
            return Task.CompletedTask;
        });
    }

    private static OpenApiSchema Schema(JsonSchemaType type) =>
        type.HasFlag(JsonSchemaType.Array)
            ? new OpenApiSchema { Type = type, Items = new OpenApiSchema { Type = type == JsonSchemaType.Array ? JsonSchemaType.Object : null } }
            : new OpenApiSchema { Type = type };
}
