using System.Security.Claims;
using Bridge.Http;
using Bridge.Security;
using Bridge.Store.Transforms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Publisher.Xml;

/// <summary>The XSLT transforms of XML partners, <c>/api/publishers/{publisherId}/transforms</c>, for the <c>admin</c> scope.</summary>
public static class TransformsApi
{
    /// <summary>Maps the transform endpoints.</summary>
    public static RouteGroupBuilder MapTransformsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/publishers/{publisherId}/transforms").WithTags("Transforms").RequireAdmin();

        api.MapPost("/", RegisterAsync).WithName("RegisterTransform").WithSummary("Register a transform version")
            .WithDescription("Registers the publisher's next XSLT 1.0 version; XML it posts is transformed by its latest version into XML of the W3C json-to-xml vocabulary (map, array, string, number, boolean, null), which Bridge writes as the canonical JSON event. "
                + "The stylesheet must be self-contained: document(), scripts, xsl:include/xsl:import and DTDs are refused (422). The same stylesheet as the latest answers 200 with it.")
            .WithRequestExample("""{ "xslt": "<xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" xmlns=\"http://www.w3.org/2005/xpath-functions\"><xsl:template match=\"/order\"><map><string key=\"orderId\"><xsl:value-of select=\"@id\"/></string></map></xsl:template></xsl:stylesheet>", "description": "Orders from the partner's ERP" }""")
            .Produces<TransformView>(StatusCodes.Status200OK)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/", ListAsync).WithName("ListTransforms").WithSummary("List a publisher's transforms")
            .WithDescription("Every version, oldest first; the last is the one in use.");
        api.MapGet("/{version:int}", GetAsync).WithName("GetTransform").WithSummary("Get a transform version")
            .WithDescription("One version with its stylesheet.").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    internal static async Task<Results<Created<TransformView>, Ok<TransformView>, ProblemHttpResult>> RegisterAsync(
        string publisherId, RegisterTransformRequest request, XmlTransforms transforms, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Xslt) || request.Description?.Length > 1000)
        {
            return Problems.InvalidRequest(new Dictionary<string, string[]>
            {
                [string.IsNullOrWhiteSpace(request.Xslt) ? "xslt" : "description"] = [string.IsNullOrWhiteSpace(request.Xslt) ? "The stylesheet is required." : "At most 1000 characters."],
            });
        }

        var by = context.User.FindFirstValue(BridgeClaims.PublisherId) ?? "(unknown)";
        var registration = await transforms.RegisterAsync(publisherId, request.Xslt, request.Description, by, context.RequestAborted);
        if (registration.UnknownPublisher)
        {
            return XmlProblems.UnknownPublisher(publisherId);
        }

        if (registration.Error is not null)
        {
            return XmlProblems.InvalidTransform(registration.Error);
        }

        var view = TransformView.Of(registration.Transform!);
        return registration.Created ? TypedResults.Created($"/api/publishers/{publisherId}/transforms/{view.Version}", view) : TypedResults.Ok(view);
    }

    internal static async Task<Ok<IReadOnlyList<TransformView>>> ListAsync(string publisherId, XmlTransforms transforms, HttpContext context) =>
        TypedResults.Ok<IReadOnlyList<TransformView>>([.. (await transforms.ListAsync(publisherId, context.RequestAborted)).Select(TransformView.Of)]);

    internal static async Task<Results<Ok<TransformView>, ProblemHttpResult>> GetAsync(string publisherId, int version, XmlTransforms transforms, HttpContext context) =>
        await transforms.GetAsync(publisherId, version, context.RequestAborted) is { } transform
            ? TypedResults.Ok(TransformView.Of(transform))
            : XmlProblems.UnknownVersion(publisherId, version);
}

/// <summary>Body of a transform registration.</summary>
/// <param name="Xslt">The XSLT 1.0 stylesheet; its output is XML of the W3C json-to-xml vocabulary (map, array, string, number, boolean, null).</param>
/// <param name="Description">What changed, for people.</param>
public sealed record RegisterTransformRequest(string? Xslt, string? Description = null);

/// <summary>A transform version.</summary>
/// <param name="PublisherId">Its publisher.</param>
/// <param name="Version">1, 2, …</param>
/// <param name="Xslt">The stylesheet.</param>
/// <param name="Description">What changed.</param>
/// <param name="RegisteredAt">When.</param>
/// <param name="RegisteredBy">By whom.</param>
public sealed record TransformView(string PublisherId, int Version, string Xslt, string? Description, DateTimeOffset RegisteredAt, string RegisteredBy)
{
    internal static TransformView Of(XmlTransform t) => new(t.PublisherId, t.Version, t.Xslt, t.Description, t.RegisteredAt, t.RegisteredBy);
}
