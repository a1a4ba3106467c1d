using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;

namespace Bridge.Tests.OpenApi;

/// <summary>
/// The OpenAPI document the bridge serves is the public contract: it must equal the one checked in under docs/, and
/// every operation must be fully described. After an intended API change, regenerate docs/openapi.json with
/// <c>eng/openapi.sh</c> and review the diff.
/// </summary>
public sealed class OpenApiDocumentTests : BridgeTestBase
{
    private const string UpdateVariable = "BRIDGE_UPDATE_OPENAPI";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public async Task The_served_document_is_the_checked_in_one()
    {
        var served = await ServedDocumentAsync();
        var file = RepositoryFiles.PathOf("docs", "openapi.json");
        var text = served.ToJsonString(Indented) + "\n";

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1" && Environment.GetEnvironmentVariable("CI") is null)
        {
            await File.WriteAllTextAsync(file, text);
        }

        Assert.True(File.Exists(file), $"{file} is missing; run eng/openapi.sh to write it.");
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        if (!JsonNode.DeepEquals(served, checkedIn))
        {
            var actual = Path.Combine(Path.GetTempPath(), $"openapi-served-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(actual, text);
            Assert.Fail($"The served OpenAPI document differs from docs/openapi.json (served copy: {actual}). "
                + "If the API change is intended, run eng/openapi.sh and commit docs/openapi.json.");
        }
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_description_described_tags_and_its_error_responses_with_examples()
    {
        var document = await ServedDocumentAsync();
        var gaps = new List<string>();
        var tagDescriptions = document["tags"]?.AsArray().ToDictionary(t => (string)t!["name"]!, t => (string?)t!["description"]) ?? [];

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                var operation = node!.AsObject();
                var name = $"{method.ToUpperInvariant()} {path}";
                foreach (var field in new[] { "operationId", "summary", "description" })
                {
                    if (string.IsNullOrWhiteSpace((string?)operation[field]))
                    {
                        gaps.Add($"{name}: no {field}");
                    }
                }

                foreach (var tag in operation["tags"]?.AsArray().Select(t => (string)t!) ?? [])
                {
                    if (string.IsNullOrWhiteSpace(tagDescriptions.GetValueOrDefault(tag)))
                    {
                        gaps.Add($"{name}: tag '{tag}' has no description");
                    }
                }

                var responses = operation["responses"]!.AsObject();
                if (!responses.Any(r => r.Key.StartsWith('4')))
                {
                    gaps.Add($"{name}: no 4xx response");
                }

                foreach (var (status, response) in responses.Where(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture) >= 400))
                {
                    var problem = response!["content"]?["application/problem+json"];
                    if (problem is null || problem["example"] is null)
                    {
                        gaps.Add($"{name}: response {status} is not a ProblemDetails with an example");
                    }
                }

                if (operation["requestBody"]?["content"] is JsonObject bodies && bodies.Any(b => b.Value!["example"] is null && b.Value["examples"] is null))
                {
                    gaps.Add($"{name}: request body without an example");
                }

                if (path.StartsWith("/api/", StringComparison.Ordinal) && operation["security"] is not JsonArray { Count: > 0 })
                {
                    gaps.Add($"{name}: no security requirement");
                }

                if (operation["security"] is JsonArray security
                    && (security.Any(r => r is not JsonObject { Count: > 0 }) || !(responses.ContainsKey("401") && responses.ContainsKey("403"))))
                {
                    gaps.Add($"{name}: a security requirement names no scheme, or 401/403 are undocumented");
                }
            }
        }

        Assert.True(gaps.Count == 0, "OpenAPI gaps:\n" + string.Join("\n", gaps));
    }

    private async Task<JsonNode> ServedDocumentAsync()
    {
        var topology = new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /openapi/v1.json answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}
