using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Alerts;

/// <summary><c>/api/alert-rules</c> and <c>/api/alerts</c>: admins only, every bad rule a 400 naming the field, configuration's rules read-only.</summary>
public sealed class AlertRulesApiTests : BridgeTestBase
{
    [Fact]
    public async Task An_admin_creates_replaces_and_deletes_rules_a_bad_rule_is_refused_naming_the_field_and_a_configured_rule_is_read_only()
    {
        var topology = new TestTopology().Topic("orders")
            .With("Bridge:Alerts:Rules:configured:Kind", "RetriesExhausted");
        await using var bridge = await StartBridgeAsync(topology);
        using var admin = bridge.CreateClient();

        using (var created = await admin.PutAsJsonAsync("/api/alert-rules/slow-crm", new { kind = "failureRatio", topic = "orders", threshold = 0.25, window = "00:02:00" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("/api/alert-rules/slow-crm", created.Headers.Location?.OriginalString);
        }
        using (var replaced = await admin.PutAsJsonAsync("/api/alert-rules/slow-crm", new { kind = "failureRatio", topic = "orders", threshold = 0.5 }))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }
        var rule = await GetJsonAsync(admin, "/api/alert-rules/slow-crm");
        Assert.Equal(("api", "failureRatio", 0.5), (rule.GetProperty("origin").GetString(), rule.GetProperty("rule").GetProperty("kind").GetString(),
            rule.GetProperty("rule").GetProperty("threshold").GetDouble()));
        var rules = await GetJsonAsync(admin, "/api/alert-rules");
        Assert.Equal(["configured configuration", "slow-crm api"],
            rules.GetProperty("items").EnumerateArray().Select(r => $"{r.GetProperty("name").GetString()} {r.GetProperty("origin").GetString()}"));

        foreach (var (name, body, field) in new (string, object, string)[]
        {
            ("ok", new { kind = "noSuchKind" }, "urn:bridge:problem:bad-request"), // not an enum value: the body does not bind, like any mistyped field
            ("ok", new { topic = "orders" }, "kind"),
            ("ok", new { kind = "failureRatio", threshold = 2 }, "threshold"),
            ("ok", new { kind = "deadLetterDepth", topic = "nowhere" }, "topic"),
            ("ok", new { kind = "deadLetterDepth", subscription = "crm" }, "subscription"),
            ("ok", new { kind = "deadLetterDepth", publisher = "acme" }, "publisher"),
            ("ok", new { kind = "retriesExhausted", window = "00:00:01" }, "window"),
            ("ok", new { kind = "publishRefusals", groupBy = "topic" }, "groupBy"),
            ("Not-Lower", new { kind = "retriesExhausted" }, "name"),
        })
        {
            using var refused = await admin.PutAsJsonAsync($"/api/alert-rules/{name}", body);
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)refused.StatusCode} {problem}");
            Assert.Contains($"\"{field}\"", problem, StringComparison.Ordinal);
        }
        Assert.Equal(2, (await GetJsonAsync(admin, "/api/alert-rules")).GetProperty("items").GetArrayLength());

        using (var configured = await admin.PutAsJsonAsync("/api/alert-rules/configured", new { kind = "retriesExhausted" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, configured.StatusCode);
        }
        using (var configured = await admin.DeleteAsync("/api/alert-rules/configured"))
        {
            Assert.Equal(HttpStatusCode.Conflict, configured.StatusCode);
        }
        using (var deleted = await admin.DeleteAsync("/api/alert-rules/slow-crm"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await admin.DeleteAsync("/api/alert-rules/slow-crm"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        using (var badQuery = await admin.GetAsync("/api/alerts?state=closed"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
        }
    }

    [Fact]
    public async Task Only_an_admin_reads_or_changes_alerts_other_scopes_are_forbidden_and_an_anonymous_caller_is_asked_to_sign_in()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Topic("orders"));
        using var admin = bridge.CreateClient();
        var calls = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, "/api/alerts"), (HttpMethod.Get, "/api/alerts/0123456789abcdef0123456789abcdef"), (HttpMethod.Get, "/api/alert-rules"),
            (HttpMethod.Get, "/api/alert-rules/x"), (HttpMethod.Put, "/api/alert-rules/x"), (HttpMethod.Delete, "/api/alert-rules/x"),
        };
        foreach (var scope in new[] { "publish:orders", "subscribe:orders", "publish:*" })
        {
            var publisher = "recipes-" + scope.Replace(':', '-').Replace("*", "all", StringComparison.Ordinal);
            await CreatePublisherAsync(admin, publisher, [scope]);
            var (_, key) = await IssueKeyAsync(admin, publisher);
            using var other = bridge.CreateAnonymousClient();
            other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            foreach (var (method, path) in calls)
            {
                using var refused = await other.SendAsync(Request(method, path));
                Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{scope} {method} {path}: {(int)refused.StatusCode}");
            }
        }
        using var anonymous = bridge.CreateAnonymousClient();
        foreach (var (method, path) in calls)
        {
            using var refused = await anonymous.SendAsync(Request(method, path));
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"anonymous {method} {path}: {(int)refused.StatusCode}");
        }
        Assert.Empty((await GetJsonAsync(admin, "/api/alert-rules")).GetProperty("items").EnumerateArray());
    }

    private static HttpRequestMessage Request(HttpMethod method, string path) =>
        new(method, path) { Content = method == HttpMethod.Put ? JsonContent.Create(new { kind = "retriesExhausted" }) : null };
}
