using System.Net.Http.Headers;

namespace Bridge.Tests.Security;

/// <summary>A bridge as it ships, for the framework's own answers.</summary>
public sealed class ProblemTypeFixture : HostileBridgeFixture;

/// <summary>
/// The framework's own refusals (no route, wrong method, a body or query it cannot bind, a media type it does not take)
/// are ProblemDetails with Bridge's stable types too, carry no exception details, and no response names the server.
/// </summary>
public sealed class ProblemTypeTests(ProblemTypeFixture fixture) : IClassFixture<ProblemTypeFixture>
{
    private const string Json = "application/json";

    public static TheoryData<string, string, string, string?, string?, int, string> FrameworkAnswers => new()
    {
        { "an unknown API route", "GET", "/api/nothing-here", null, null, 404, "not-found" },
        { "an unknown root path", "GET", "/nothing-here", null, null, 404, "not-found" },
        { "a path traversal attempt", "GET", "/api/../../etc/passwd", null, null, 404, "not-found" },
        { "a route value that fails its constraint", "GET", "/api/publishers/bootstrap/transforms/one", null, null, 404, "not-found" },
        { "PUT on the publish route", "PUT", "/api/topics/erp-events/events", "{}", Json, 405, "method-not-allowed" },
        { "DELETE on the batch route", "DELETE", "/api/topics/erp-events/events/batch", null, null, 405, "method-not-allowed" },
        { "PATCH on publishers", "PATCH", "/api/publishers", "{}", Json, 405, "method-not-allowed" },
        { "a management body as text/plain", "POST", "/api/publishers", """{ "id": "x", "name": "x", "scopes": [] }""", "text/plain", 415, "unsupported-media-type" },
        { "a management body as XML", "POST", "/api/publishers", "<publisher/>", "application/xml", 415, "unsupported-media-type" },
        { "a malformed management body", "POST", "/api/publishers", """{ "id": """, Json, 400, "bad-request" },
        { "a number sent as a string", "POST", "/api/publishers", """{ "id": "x1", "name": "x", "scopes": [], "rateLimitPerSecond": "5" }""", Json, 400, "bad-request" },
        { "an empty management body", "POST", "/api/publishers", "", Json, 400, "bad-request" },
        { "a query value that does not bind", "GET", "/api/topics/erp-events/subscriptions/sink/dead-letters?limit=many", null, null, 400, "bad-request" },
        { "a date query value that does not bind", "GET", "/api/topics/erp-events/subscriptions/sink/dead-letters?from=yesterday", null, null, 400, "bad-request" },
    };

    [Theory]
    [MemberData(nameof(FrameworkAnswers))]
    public async Task A_framework_refusal_is_a_problem_with_a_stable_type(string what, string method, string path, string? body, string? mediaType, int status, string problem)
    {
        using var client = fixture.Bridge.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        }

        await fixture.AssertRefusedAsync(client, request, what, status, problem);
    }

    [Fact]
    public async Task No_response_names_the_server_software()
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        foreach (var path in new[] { "/health", "/api/topics", "/nothing-here" })
        {
            using var response = await client.GetAsync(path);
            Assert.False(response.Headers.Contains("Server"), $"{path}: Server: {string.Join(",", response.Headers.TryGetValues("Server", out var v) ? v : [])}");
            Assert.False(response.Headers.Contains("X-Powered-By"), path);
        }
    }
}
