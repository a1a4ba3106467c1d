using System.Net;
using System.Text.Json;

namespace Bridge.Tests.Contracts;

public sealed class ContractRegistryTests : ContractTestBase
{
    [Fact]
    public async Task Versions_are_numbered_by_bridge_an_identical_schema_is_not_a_new_version_and_every_version_can_be_read()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();

        var (status, first, response) = await RegisterAsync(client, "order.created", OrderSchema, description: "First");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("/api/contracts/order.created/versions/1", response.Headers.Location?.OriginalString);
        Assert.Equal(1, first.GetProperty("contract").GetProperty("version").GetInt32());
        Assert.Equal("urn:bridge:contract:order.created:1", first.GetProperty("contract").GetProperty("uri").GetString());

        // Same schema, members in another order: the same contract.
        var reordered = JsonSerializer.Serialize(JsonDocument.Parse(OrderSchema).RootElement.EnumerateObject().Reverse().ToDictionary(p => p.Name, p => p.Value));
        var (again, same, _) = await RegisterAsync(client, "order.created", reordered);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(1, same.GetProperty("contract").GetProperty("version").GetInt32());

        var wider = OrderSchema.Replace("\"maxLength\": 64", "\"maxLength\": 128", StringComparison.Ordinal);
        var (created, second, _) = await RegisterAsync(client, "order.created", wider, description: "Longer ids");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(2, second.GetProperty("contract").GetProperty("version").GetInt32());
        Assert.False(second.GetProperty("contract").GetProperty("breaking").GetBoolean());

        var list = await GetJsonAsync(client, "/api/contracts");
        var summary = Assert.Single(list.GetProperty("contracts").EnumerateArray());
        Assert.Equal(2, summary.GetProperty("latestVersion").GetInt32());
        Assert.Equal(2, summary.GetProperty("versions").GetInt32());

        var versions = await GetJsonAsync(client, "/api/contracts/order.created");
        Assert.Equal([1, 2], versions.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        var v2 = await GetJsonAsync(client, "/api/contracts/order.created/versions/2");
        Assert.Equal(128, v2.GetProperty("schema").GetProperty("properties").GetProperty("orderId").GetProperty("maxLength").GetInt32());

        var (missing, problem, _) = await SendAsync(client, HttpMethod.Get, "/api/contracts/order.created/versions/9", null, "");
        AssertProblem(problem, missing, HttpStatusCode.NotFound, "unknown-contract-version", "unknown version");
        var (unknown, problem2, _) = await SendAsync(client, HttpMethod.Get, "/api/contracts/nothing.here", null, "");
        AssertProblem(problem2, unknown, HttpStatusCode.NotFound, "unknown-contract", "unknown type");
    }

    [Fact]
    public async Task An_incompatible_version_is_refused_listing_every_breaking_change_unless_forced()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);
        var narrower = OrderSchema
            .Replace("\"required\": [\"orderId\", \"amount\"]", "\"required\": [\"orderId\", \"amount\", \"currency\"]", StringComparison.Ordinal)
            .Replace("\"enum\": [\"EUR\", \"USD\"]", "\"enum\": [\"EUR\"]", StringComparison.Ordinal);
        var before = await SettledStoreAsync();

        var (status, problem, _) = await RegisterAsync(client, "order.created", narrower);

        AssertProblem(problem, status, HttpStatusCode.Conflict, "incompatible-contract", "narrower schema");
        var changes = problem.GetProperty("breakingChanges").EnumerateArray().ToList();
        Assert.Contains(changes, c => c.GetProperty("path").GetString() == "#/required" && c.GetProperty("rule").GetString() == "required-added");
        Assert.Contains(changes, c => c.GetProperty("path").GetString() == "#/properties/currency/enum" && c.GetProperty("rule").GetString() == "enum-value-removed");
        await AssertStoreUnchangedAsync(before, "an incompatible registration");

        var (forced, body, _) = await RegisterAsync(client, "order.created", narrower, force: true, description: "EUR only");
        Assert.Equal(HttpStatusCode.Created, forced);
        Assert.True(body.GetProperty("contract").GetProperty("breaking").GetBoolean());
        Assert.Equal(2, body.GetProperty("breakingChanges").GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_registrations_never_give_two_schemas_one_version()
    {
        await using var bridge = await StartAsync();
        using var client = bridge.CreateClient();
        await RegisteredAsync(client, "order.created", OrderSchema);

        // Each differs only in its title, so each is compatible with whichever version wins before it.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            RegisterAsync(client, "order.created", OrderSchema.Replace("{ \"type\": \"object\",", $"{{ \"title\": \"variant {i}\", \"type\": \"object\",", StringComparison.Ordinal))));

        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)r.Status}: {r.Body}"));
        var created = results.Where(r => r.Status == HttpStatusCode.Created).Select(r => r.Body.GetProperty("contract").GetProperty("version").GetInt32()).Order().ToList();
        Assert.Equal(created.Distinct().Count(), created.Count);
        var versions = (await GetJsonAsync(client, "/api/contracts/order.created")).GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, created.Count + 1), versions);
    }
}
