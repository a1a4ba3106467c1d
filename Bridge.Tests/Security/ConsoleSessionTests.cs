using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.HostileBridge;

namespace Bridge.Tests.Security;

/// <summary>A bridge with a second admin operator, a subscribe key and a publish key.</summary>
public sealed class ConsoleSessionFixture : HostileBridge
{
    protected override TestTopology Topology() => new TestTopology()
        .Topic("erp-events")
        .WithoutAuthenticationThrottle();

    protected override async Task SeedAsync()
    {
        await IdentityAsync("operator", "admin");
        await IdentityAsync("subscriber", "subscribe:erp-events");
        await IdentityAsync("publisher", "publish:erp-events");
    }
}

/// <summary>Console sessions end server-side: a copied cookie stops working after sign-out, key revocation or "sign out everywhere".</summary>
public sealed class ConsoleSessionTests(ConsoleSessionFixture fixture) : IClassFixture<ConsoleSessionFixture>
{
    private const string Metrics = "/console/api/metrics";

    [Fact]
    public async Task After_sign_out_a_copy_of_the_old_cookie_is_refused()
    {
        var (browser, cookie) = await SignInAsync(fixture.Bridge.BootstrapKey);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(cookie));

        using (var signOut = await browser.DeleteAsync("/console/session"))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        var replayed = await WithCookieAsync(cookie, Metrics);
        using (replayed.Response)
        {
            AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", replayed, "the cookie after sign-out");
        }
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_sessions()
    {
        var (keyId, key) = await SecurityClient.IssueKeyAsync(fixture.Admin, "operator");
        var (_, cookie) = await SignInAsync(key);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(cookie));

        using (var revoke = await fixture.Admin.DeleteAsync($"/api/publishers/operator/keys/{keyId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var after = await WithCookieAsync(cookie, Metrics);
        using (after.Response)
        {
            AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", after, "the session of a revoked key");
        }
    }

    [Fact]
    public async Task An_admin_signs_everyone_out_and_every_open_session_ends()
    {
        var (_, mine) = await SignInAsync(fixture.Keys["operator"]);
        var (_, theirs) = await SignInAsync(fixture.Bridge.BootstrapKey);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(mine));

        var ended = await SendAsync(fixture.Client("operator"), HttpMethod.Post, "/api/console-sessions/end-all");
        using (ended.Response)
        {
            Assert.Equal(HttpStatusCode.OK, ended.Status);
            Assert.True(ended.Body.GetProperty("ended").GetInt32() >= 2, $"ended: {ended.Body}");
        }

        foreach (var cookie in new[] { mine, theirs })
        {
            var after = await WithCookieAsync(cookie, Metrics);
            using (after.Response)
            {
                AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", after, "a session after sign-out everywhere");
            }
        }

        var (_, fresh) = await SignInAsync(fixture.Bridge.BootstrapKey);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(fresh)); // signing in again works
    }

    [Theory]
    [InlineData("subscriber", 403, "forbidden")]
    [InlineData("publisher", 403, "forbidden")]
    [InlineData("anonymous", 401, "unauthenticated")]
    public async Task Only_an_admin_may_sign_everyone_out(string identity, int status, string problem)
    {
        var (_, cookie) = await SignInAsync(fixture.Keys["operator"]);
        var before = await fixture.SnapshotAsync();

        var refused = await SendAsync(fixture.Client(identity), HttpMethod.Post, "/api/console-sessions/end-all");

        using (refused.Response)
        {
            AssertProblem((HttpStatusCode)status, problem, refused, identity + " signing everyone out");
        }
        await fixture.AssertUnchangedAsync(before, identity + " signing everyone out");
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(cookie));
    }

    [Theory]
    [InlineData("not a ticket")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("")]
    public async Task A_forged_cookie_opens_nothing(string cookie)
    {
        var answer = await WithCookieAsync(cookie, Metrics);
        using (answer.Response)
        {
            AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", answer, "a forged cookie");
        }
    }

    private async Task<(HttpClient Browser, string Cookie)> SignInAsync(string key)
    {
        var browser = fixture.Client("anonymous");
        using var signIn = await browser.PostAsJsonAsync("/console/session", new { key });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        var cookie = setCookie.Split(';')[0]["bridge_console=".Length..];
        browser.DefaultRequestHeaders.Add("Cookie", "bridge_console=" + cookie);
        return (browser, cookie);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> WithCookieAsync(string cookie, string path)
    {
        var client = fixture.Client("anonymous");
        client.DefaultRequestHeaders.Add("Cookie", "bridge_console=" + cookie);
        return await SendAsync(client, HttpMethod.Get, path);
    }

    private async Task<HttpStatusCode> StatusWithCookieAsync(string cookie)
    {
        var answer = await WithCookieAsync(cookie, Metrics);
        answer.Response.Dispose();
        return answer.Status;
    }
}
