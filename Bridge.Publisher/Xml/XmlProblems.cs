using Bridge.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Publisher.Xml;

/// <summary>The ProblemDetails of the XML path.</summary>
internal static class XmlProblems
{
    public static ProblemHttpResult NoTransform(string? publisher) =>
        Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
            publisher is null
                ? "XML is accepted only from an authenticated publisher with a registered transform; send application/json."
                : $"Publisher '{publisher}' has no XML transform registered; register one (POST /api/publishers/{publisher}/transforms) or send application/json.");

    public static ProblemHttpResult TransformFailed(string detail) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "transform-failed", "Transform failed", detail);

    public static ProblemHttpResult InvalidTransform(string detail) =>
        Problems.Create(StatusCodes.Status422UnprocessableEntity, "invalid-transform", "Invalid transform", detail);

    public static ProblemHttpResult Busy() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "transforms-busy", "Transforms busy",
            "Every transform slot is taken (some may be running past their time limit); retry shortly.");

    public static ProblemHttpResult UnknownPublisher(string publisher) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown-publisher", "Unknown publisher", $"No publisher '{publisher}'.");

    public static ProblemHttpResult UnknownVersion(string publisher, int version) =>
        Problems.Create(StatusCodes.Status404NotFound, "unknown-transform", "Unknown transform", $"Publisher '{publisher}' has no transform version {version}.");
}
