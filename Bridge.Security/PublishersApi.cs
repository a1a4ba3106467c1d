using System.Security.Claims;
using Bridge.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Security;

/// <summary>The publisher and key API, <c>/api/publishers</c>, for the <c>admin</c> scope.</summary>
public static class PublishersApi
{
    /// <summary>Maps the publisher and key endpoints.</summary>
    public static RouteGroupBuilder MapPublishersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/publishers").WithTags("Publishers").RequireAdmin();

        api.MapGet("/", ListAsync).WithName("ListPublishers").WithSummary("List publishers")
            .WithDescription("Every publisher with its scopes, rate limit and keys (never their secrets).");
        api.MapPost("/", CreateAsync).WithName("CreatePublisher").WithSummary("Create a publisher")
            .WithDescription("A publisher is whoever calls Bridge with its own keys: a Workato workspace, a partner. Scopes: publish:{topic}, publish:* and admin. Then issue it a key.")
            .WithRequestExample("""{ "id": "workato-emea", "name": "Workato EMEA workspace", "scopes": [ "publish:erp-events", "publish:crm-events" ], "rateLimitPerSecond": 200 }""")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/{id}", GetAsync).WithName("GetPublisher").WithSummary("Get a publisher")
            .WithDescription("One publisher with its scopes, rate limit and keys.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{id}", UpdateAsync).WithName("UpdatePublisher").WithSummary("Change a publisher's name, scopes or rate limit")
            .WithDescription("Replaces name, scopes and rate limit; every key of the publisher carries the new scopes from its next request.")
            .WithRequestExample("""{ "name": "Workato EMEA workspace", "scopes": [ "publish:erp-events" ], "rateLimitPerSecond": null }""")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/keys", IssueAsync).WithName("CreateKey").WithSummary("Issue a key")
            .WithDescription("Issues an API key (kind api-key: send it as 'Authorization: Bearer <key>') or an HMAC signing key (kind hmac). The secret is in this answer only; Bridge keeps an API key's hash and an HMAC secret encrypted.")
            .WithRequestExample("""{ "kind": "api-key", "expiresAt": "2027-06-30T00:00:00Z" }""")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/keys/{keyId}/rotate", RotateAsync).WithName("RotateKey").WithSummary("Rotate a key")
            .WithDescription("Issues a successor of the same kind; the old key keeps working until the grace period ends (default 24 h), so callers can switch without downtime.")
            .WithRequestExample("""{ "gracePeriod": "01:00:00" }""")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{id}/keys/{keyId}", RevokeAsync).WithName("RevokeKey").WithSummary("Revoke a key")
            .WithDescription("The key fails at once in this process, and in every other within Bridge:Security:KeyCacheDuration (1 s).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Lists publishers.</summary>
    internal static async Task<Ok<IReadOnlyList<PublisherView>>> ListAsync([AsParameters] PublisherServices services) =>
        TypedResults.Ok(await services.Directory.ListAsync(services.Context.RequestAborted));

    /// <summary>Gets one publisher.</summary>
    internal static async Task<Results<Ok<PublisherView>, ProblemHttpResult>> GetAsync(string id, [AsParameters] PublisherServices services) =>
        await services.Directory.GetAsync(id, services.Context.RequestAborted) is { } view ? TypedResults.Ok(view) : SecurityProblems.UnknownPublisher(id);

    /// <summary>Creates a publisher.</summary>
    internal static async Task<Results<Created<PublisherView>, ProblemHttpResult>> CreateAsync(CreatePublisherRequest request, [AsParameters] PublisherServices services)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        PublisherRules.CheckId(request.Id, errors);
        PublisherRules.Check(request.Name, request.Scopes, request.RateLimitPerSecond, errors);
        if (errors.Count > 0)
        {
            return SecurityProblems.Invalid(errors);
        }

        var view = await services.Directory.CreateAsync(request.Id!, request.Name!, request.Scopes!, request.RateLimitPerSecond, services.Caller, services.Context.RequestAborted);
        return view is null ? SecurityProblems.PublisherExists(request.Id!) : TypedResults.Created($"/api/publishers/{view.Id}", view);
    }

    /// <summary>Changes a publisher.</summary>
    internal static async Task<Results<Ok<PublisherView>, ProblemHttpResult>> UpdateAsync(string id, UpdatePublisherRequest request, [AsParameters] PublisherServices services)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        PublisherRules.Check(request.Name, request.Scopes, request.RateLimitPerSecond, errors);
        if (errors.Count > 0)
        {
            return SecurityProblems.Invalid(errors);
        }

        var view = await services.Directory.UpdateAsync(id, request.Name!, request.Scopes!, request.RateLimitPerSecond, services.Caller, services.Context.RequestAborted);
        return view is null ? SecurityProblems.UnknownPublisher(id) : TypedResults.Ok(view);
    }

    /// <summary>Issues a key.</summary>
    internal static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> IssueAsync(string id, CreateKeyRequest request, [AsParameters] PublisherServices services)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var kind = request.Kind ?? Credential.ApiKeyKind;
        if (kind is not (Credential.ApiKeyKind or Credential.HmacKind))
        {
            errors["kind"] = ["api-key or hmac."];
        }
        CheckExpiry(request.ExpiresAt, services, errors);
        if (errors.Count > 0)
        {
            return SecurityProblems.Invalid(errors);
        }

        var created = await services.Directory.IssueAsync(id, kind, request.ExpiresAt, services.Caller, services.Context.RequestAborted);
        return created is null ? SecurityProblems.UnknownPublisher(id) : TypedResults.Created($"/api/publishers/{id}/keys/{created.KeyId}", created);
    }

    /// <summary>Rotates a key.</summary>
    internal static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> RotateAsync(string id, string keyId, RotateKeyRequest? request, [AsParameters] PublisherServices services)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request?.GracePeriod is { } grace && (grace < TimeSpan.Zero || grace > TimeSpan.FromDays(30)))
        {
            errors["gracePeriod"] = ["Between 00:00:00 and 30.00:00:00."];
        }
        CheckExpiry(request?.ExpiresAt, services, errors);
        if (errors.Count > 0)
        {
            return SecurityProblems.Invalid(errors);
        }

        var (created, old) = await services.Directory.RotateAsync(id, keyId, request?.GracePeriod, request?.ExpiresAt, services.Caller, services.Context.RequestAborted);
        return created is not null ? TypedResults.Created($"/api/publishers/{id}/keys/{created.KeyId}", created)
            : old is null ? SecurityProblems.UnknownKey(id, keyId)
            : SecurityProblems.KeyNotActive(keyId);
    }

    /// <summary>Revokes a key.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, string keyId, [AsParameters] PublisherServices services) =>
        await services.Directory.RevokeAsync(id, keyId, services.Caller, services.Context.RequestAborted) ? TypedResults.NoContent() : SecurityProblems.UnknownKey(id, keyId);

    private static void CheckExpiry(DateTimeOffset? expiresAt, PublisherServices services, Dictionary<string, string[]> errors)
    {
        if (expiresAt is { } at && at <= services.Time.GetUtcNow())
        {
            errors["expiresAt"] = ["Must be in the future."];
        }
    }
}

/// <summary>What the publisher endpoints need.</summary>
/// <param name="Directory">The publishers in the store.</param>
/// <param name="Time">The clock.</param>
/// <param name="Context">The request.</param>
internal sealed record PublisherServices(PublisherDirectory Directory, TimeProvider Time, HttpContext Context)
{
    internal string Caller => Context.User.FindFirstValue(BridgeClaims.PublisherId) ?? "(unknown)";
}
