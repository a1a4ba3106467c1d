using Microsoft.OpenApi;

namespace Bridge.Publisher.Idempotency;

/// <summary>Registers and applies the <c>Idempotency-Key</c> header of the publish endpoints.</summary>
public static class IdempotencyExtensions
{
    /// <summary>Adds the key store, the filter and the sweeper of expired keys (options <c>Bridge:Publisher:Idempotency</c>).</summary>
    public static IServiceCollection AddPublishIdempotency(this IServiceCollection services)
    {
        services.AddOptions<IdempotencyOptions>()
            .BindConfiguration(IdempotencyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencySweeper>();
        return services;
    }

    /// <summary>Honours the <c>Idempotency-Key</c> header on every endpoint of <paramref name="group"/>, and documents it.</summary>
    public static RouteGroupBuilder WithIdempotencyKey(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.AddEndpointFilter<IdempotencyFilter>();
        group.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKeyHeader.Name,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes the publish safe to retry: the same key and the same request within the window get the same 202 "
                    + "(Idempotent-Replayed: true) and publish nothing more; the same key with a different request gets 422. "
                    + "1-255 printable ASCII characters, quoted (\"order-12345\") or plain.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 257 },
            });
            return Task.CompletedTask;
        });
        return group;
    }
}
