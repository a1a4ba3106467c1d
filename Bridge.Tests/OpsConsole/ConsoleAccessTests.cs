using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Security;
using Bridge.Tests.Support;

namespace Bridge.Tests.OpsConsole;

/// <summary>Who may use the console: only an admin key's session, and every action only with the session's CSRF token.</summary>
public sealed class ConsoleAccessTests : BridgeTestBase
{
    [Fact]
    public async Task Nothing_is_readable_without_a_session_and_a_key_without_admin_cannot_open_one()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp")));
        using var anonymous = bridge.CreateAnonymousClient();

        foreach (var path in new[] { "/console/api/metrics", "/api/subscriptions", "/api/events?correlationId=x", "/api/replay-jobs" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} answered {(int)response.StatusCode} without a session.");
        }

        using (var session = await anonymous.GetAsync("/console/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, session.StatusCode); // no session: the page shows its sign-in form
        }

        using var page = await anonymous.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode); // the page itself holds no data
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        using var admin = bridge.CreateClient();
        await SecurityClient.CreatePublisherAsync(admin, "recipe", ["publish:orders"]);
        var (_, recipeKey) = await SecurityClient.IssueKeyAsync(admin, "recipe");
        using (var refused = await anonymous.PostAsJsonAsync("/console/session", new { key = recipeKey }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.False(refused.Headers.Contains("Set-Cookie"));
        }

        using var wrong = await anonymous.PostAsJsonAsync("/console/session", new { key = "brk_nosuch_" + new string('a', 40) });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task A_session_cookie_is_HttpOnly_and_SameSite_and_an_action_without_its_CSRF_token_is_refused_and_changes_nothing()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Subscription("orders", "erp", Receiver.UrlOf("erp")));
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var console = new HttpClient(handler) { BaseAddress = bridge.BaseAddress };

        using var signIn = await console.PostAsJsonAsync("/console/session", new { key = bridge.BootstrapKey });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        var csrf = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrfToken").GetString()!;

        using (var metrics = await console.GetAsync("/console/api/metrics?window=1h"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }

        const string pause = "/api/topics/orders/subscriptions/erp/endpoint/pause";
        using (var forged = await console.PostAsJsonAsync(pause, new { reason = "forged" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            Assert.Contains("CSRF", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.False((await GetJsonAsync(bridge.CreateClient(), "/api/topics/orders/subscriptions/erp/endpoint")).GetProperty("paused").GetBoolean());

        using (var wrongToken = new HttpRequestMessage(HttpMethod.Post, pause) { Content = JsonContent.Create(new { reason = "forged" }) })
        {
            wrongToken.Headers.Add("X-CSRF-Token", new string('0', csrf.Length));
            using var refused = await console.SendAsync(wrongToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var genuine = new HttpRequestMessage(HttpMethod.Post, pause) { Content = JsonContent.Create(new { reason = "from the console" }) })
        {
            genuine.Headers.Add("X-CSRF-Token", csrf);
            using var accepted = await console.SendAsync(genuine);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        var endpoint = await GetJsonAsync(bridge.CreateClient(), "/api/topics/orders/subscriptions/erp/endpoint");
        Assert.True(endpoint.GetProperty("paused").GetBoolean());
        Assert.Equal("bootstrap", endpoint.GetProperty("pausedBy").GetString()); // audited under the operator's key

        using var signOut = await console.DeleteAsync("/console/session");
        using var after = await console.GetAsync("/console/api/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task An_unknown_metrics_window_is_a_400_naming_the_parameter()
    {
        await using var bridge = await StartBridgeAsync(new TestTopology().Topic("orders"));
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var console = new HttpClient(handler) { BaseAddress = bridge.BaseAddress };
        using var signIn = await console.PostAsJsonAsync("/console/session", new { key = bridge.BootstrapKey });

        using var response = await console.GetAsync("/console/api/metrics?window=7d");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("window", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
