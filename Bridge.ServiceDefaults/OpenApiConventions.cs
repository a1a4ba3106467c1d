using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Bridge OpenAPI document states beyond the endpoints' own metadata: a stable server, contact, tag
/// descriptions, the security schemes, and — from each endpoint's authorization and rate-limiting metadata — its
/// security requirement and its 401, 403 and 429 responses, every problem response with an example.
/// </summary>
internal static class OpenApiConventions
{
    /// <summary>The API-key scheme's name in the document.</summary>
    public const string ApiKeyScheme = "apiKey";

    /// <summary>The HMAC-signature scheme's name in the document.</summary>
    public const string HmacScheme = "hmac";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Publish"] = "Publish events to a topic: one, or a batch stored atomically. 202 means the envelope is stored durably.",
        ["Subscriptions"] = "Webhook subscriptions: made at run time through the API (REST hooks) or configured; filter, target, limits, status, secret rotation, dead-letter count.",
        ["Topics"] = "The topics a credential may publish to or subscribe to.",
        ["Endpoints"] = "The operational state of each subscription's webhook endpoint: circuit, pause and resume.",
        ["Pull"] = "Pull delivery: clients that cannot expose a webhook receive a pull subscription's envelopes under a lock and complete, abandon, dead-letter or renew each one.",
        ["Dead letters"] = "Envelopes that could not be delivered, with the reason: browse, purge, replay.",
        ["Replay jobs"] = "Bulk replays of dead letters, paced and resumable.",
        ["Recovery jobs"] = "Re-sends of what a subscription delivered in a time window, to its webhook or a corrected URL: paced, in per-key order, same webhook-id.",
        ["Attempts"] = "Every delivery attempt of an envelope to a webhook.",
        ["Sources"] = "Broker sources: the RabbitMQ or Service Bus entities other systems write to, read into topics, and the messages a source could not read, kept with their bytes to be replayed through the current mapping or purged.",
        ["Alerts"] = "Alert rules (dead-letter depth, an endpoint unavailable, failing deliveries, refused requests, retries exhausted) and the alerts they raised: open ones and their history.",
        ["Audit"] = "The audit trail: accepted events, their deliveries, attempts, dead letters and replays.",
        ["Publishers"] = "Publisher identities, their scopes and their keys: create, rotate, revoke.",
        ["Contracts"] = "JSON Schema contracts per event type and version, checked on publish.",
        ["Transforms"] = "Versioned XSLT transforms that turn a partner's XML into the canonical JSON event.",
    };

    private static readonly Dictionary<int, (string Type, string Title, string Detail)> ProblemExamples = new()
    {
        [StatusCodes.Status400BadRequest] = ("invalid-event", "Invalid event", "The event has invalid attributes; see errors."),
        [StatusCodes.Status401Unauthorized] = ("unauthenticated", "Authentication required", "Send an API key as 'Authorization: Bearer <key>' or sign the request."),
        [StatusCodes.Status403Forbidden] = ("forbidden", "Forbidden", "The key lacks the scope 'publish:erp-events'."),
        [StatusCodes.Status404NotFound] = ("unknown-topic", "Unknown topic", "Topic 'erp-events' is not configured on this Bridge."),
        [StatusCodes.Status409Conflict] = ("conflict", "Conflict", "The resource is in a state that does not allow this operation."),
        [StatusCodes.Status413PayloadTooLarge] = ("payload-too-large", "Payload too large", "The event body exceeds the limit of 262144 bytes."),
        [StatusCodes.Status415UnsupportedMediaType] = ("unsupported-media-type", "Unsupported media type", "Content-Type 'text/plain' is not accepted; send application/json (or a +json media type)."),
        [StatusCodes.Status422UnprocessableEntity] = ("contract-violation", "Contract violation", "The event does not match its contract; see errors."),
        [StatusCodes.Status429TooManyRequests] = ("rate-limited", "Too many requests", "This publisher is over its rate limit; retry after the Retry-After delay."),
        [StatusCodes.Status503ServiceUnavailable] = ("broker-unavailable", "Broker unavailable", "The broker did not confirm the events, so they are not accepted; retry later."),
    };

    /// <summary>Adds the conventions to <paramref name="options"/>.</summary>
    public static void Apply(OpenApiOptions options, string title)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            DescribeDocument(document, title);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            DescribeOperation(operation, context.Description.ActionDescriptor.EndpointMetadata, context.Document);
            return Task.CompletedTask;
        });
    }

    /// <summary>Whether <paramref name="tag"/> has a description; a tag without one is a gap in the document.</summary>
    public static bool IsDescribed(string tag) => TagDescriptions.ContainsKey(tag);

    private static void DescribeDocument(OpenApiDocument document, string title)
    {
        document.Info.Title = title;
        document.Info.Description = "Bridge links iPaaS recipes and message brokers: publish events to topics, deliver them to webhooks, replay dead letters.";
        document.Info.Contact = new OpenApiContact { Name = "Bridge operators" };
        // The document describes the instance serving it: a relative server keeps it the same on every host and port.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The Bridge serving this document" }];
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "Bridge API key",
            Description = "A publisher's API key: 'Authorization: Bearer <key>'.",
        };
        document.Components.SecuritySchemes[HmacScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Bridge-Signature",
            Description = "An HMAC-SHA256 signature of the request with a publisher's HMAC key, sent with the Bridge-Key-Id and "
                + "Bridge-Timestamp headers; see docs/security.md for the signed string.",
        };
    }

    private static void DescribeOperation(OpenApiOperation operation, IList<object> metadata, OpenApiDocument? document)
    {
        operation.Responses ??= [];
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        if (!anonymous && metadata.OfType<IAuthorizeData>().Any())
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HmacScheme, document)] = [] },
            ];
            AddProblem(operation, StatusCodes.Status401Unauthorized, "No valid credential: missing, unknown, expired or revoked key, or a bad signature.");
            AddProblem(operation, StatusCodes.Status403Forbidden, "The credential lacks the scope this operation needs.");
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            AddProblem(operation, StatusCodes.Status429TooManyRequests, "The publisher is over its rate limit; the Retry-After header says when to retry.");
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (int.TryParse(status, out var code) && code >= 400 && response.Content is { } content)
            {
                foreach (var media in content.Values.Where(m => m.Example is null))
                {
                    media.Example = Example(code);
                }
            }
        }
    }

    private static void AddProblem(OpenApiOperation operation, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses!.ContainsKey(key))
        {
            operation.Responses[key] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails") },
                },
            };
        }
    }

    private static JsonNode Example(int status)
    {
        var (type, title, detail) = ProblemExamples.TryGetValue(status, out var known)
            ? known
            : ("error", "Error", "The request could not be served.");
        return new JsonObject
        {
            ["type"] = "urn:bridge:problem:" + type,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
    }
}
