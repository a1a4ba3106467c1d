using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Tests.OpsConsole;
using Bridge.Tests.Support;
using Bridge.Tests.Webhooks;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary>
/// Credentials to the endpoint on subscriptions made through the API, against real receivers and a real token endpoint:
/// static headers, HTTP Basic and OAuth 2.0 reach the endpoint; their secret values never appear in an API answer, the
/// console or the log; replacing them takes effect (a new OAuth client gets a new token), and removing them stops them.
/// </summary>
public sealed class CredentialApiTests : BridgeTestBase
{
    private const string Topic = "orders";
    private const string ApiKey = "development-only-api-key-4711";
    private const string Password = "development-only-p@ss:word";

    [Fact]
    public async Task Static_headers_and_basic_credentials_given_through_the_API_come_with_every_call_until_they_are_removed()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        var secret = Receiver.Trust(await CreateAsync(client, Topic, new
        {
            name = "keyed",
            url = Receiver.UrlOf("keyed"),
            credentials = new { headers = new Dictionary<string, string> { ["X-Api-Key"] = ApiKey }, basic = new { username = "bridge", password = Password } },
        }));

        await PublishAsync(client, Topic, new { n = 1 }, "order.created");
        var call = (await Receiver["keyed"].WaitForAsync(1, Patience))[0];
        Assert.Equal(ApiKey, call.Headers["x-api-key"]);
        Assert.Equal("bridge:" + Password, BasicPair(call));
        Assert.True(SignedWith(call, secret));

        var shown = (await GetJsonAsync(client, Route(Topic, "keyed"))).GetProperty("credentials");
        Assert.True(shown.GetProperty("configured").GetBoolean());
        Assert.Equal(["X-Api-Key"], shown.GetProperty("headers").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal("bridge", shown.GetProperty("basic").GetProperty("username").GetString());
        Assert.False(shown.GetProperty("basic").TryGetProperty("password", out _));

        // Replaced: the new value is sent; then removed (credentials null): nothing but the signature.
        await ReplaceAsync(client, "keyed", new { url = Receiver.UrlOf("keyed"), credentials = new { headers = new Dictionary<string, string> { ["X-Api-Key"] = ApiKey + "-2" } } });
        var replaced = await DeliveredAsync(client, c => c.Headers.GetValueOrDefault("x-api-key") == ApiKey + "-2", "a call with the replaced key");
        Assert.False(replaced.Headers.ContainsKey("authorization"));

        var removed = await ReplaceAsync(client, "keyed", new { url = Receiver.UrlOf("keyed"), credentials = (object?)null });
        Assert.False(removed.TryGetProperty("credentials", out _));
        var plain = await DeliveredAsync(client, c => !c.Headers.ContainsKey("x-api-key"), "a call without credentials");
        Assert.False(plain.Headers.ContainsKey("authorization"));
        Assert.True(SignedWith(plain, secret));
        await AssertNoSecretShownAsync(bridge, client, "keyed", ApiKey, Password);
    }

    [Fact]
    public async Task An_oauth_client_given_through_the_API_gets_a_cached_token_fetched_again_on_a_401_and_a_changed_client_gets_its_own()
    {
        await using var tokens = await TokenEndpoint.StartAsync();
        Receiver["protected"].Decide = (request, _) => tokens.IsValid(request.Headers.GetValueOrDefault("authorization")) ? 200 : 401;
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        Dictionary<string, object?> Body(string scope) => new()
        {
            ["url"] = Receiver.UrlOf("protected"),
            ["credentials"] = new { oauth2 = new { tokenUrl = tokens.Url, clientId = tokens.ClientId, clientSecret = tokens.ClientSecret, scope } },
        };
        var first = Body("events.write");
        first["name"] = "protected";
        var created = await SendAsync(client, HttpMethod.Post, Route(Topic), first);
        created.Response.Dispose();
        Assert.True(created.Status == HttpStatusCode.Created, created.Body.ToString());
        Receiver.Trust(created.Body.GetProperty("secret").GetString()!);
        var oauth = created.Body.GetProperty("credentials").GetProperty("oauth2");
        Assert.Equal((tokens.Url.ToString(), tokens.ClientId, "events.write", "basic"), (oauth.GetProperty("tokenUrl").GetString(), oauth.GetProperty("clientId").GetString(),
            oauth.GetProperty("scope").GetString(), oauth.GetProperty("clientAuthentication").GetString()));
        Assert.False(oauth.TryGetProperty("clientSecret", out _));

        for (var i = 0; i < 3; i++)
        {
            await PublishAsync(client, Topic, new { i }, "order.created");
        }
        await Receiver["protected"].WaitForAsync(3, Patience);
        Assert.Equal(1, tokens.Issued);
        Assert.Equal("events.write", tokens.LastScope);

        // The endpoint stops taking the token: 401, one fresh token, the same attempt delivers.
        tokens.RevokeAll();
        var afterRevoke = await PublishAsync(client, Topic, new { i = 3 }, "order.created");
        var revoked = await EventuallyAsync(() => Task.FromResult(Receiver["protected"].Received.Where(c => c.MessageId == afterRevoke).ToList()), c => c.Count >= 2, "the refused call and the retried one");
        Assert.Equal(2, tokens.Issued);
        Assert.True(tokens.IsValid(revoked[1].Headers["authorization"]));

        // Another client (a new scope): its own token, asked for with the new scope.
        await ReplaceAsync(client, "protected", Body("events.write orders.read"));
        var afterChange = await PublishAsync(client, Topic, new { i = 4 }, "order.created");
        await EventuallyAsync(() => Task.FromResult(Receiver["protected"].Received.Count(c => c.MessageId == afterChange && tokens.IsValid(c.Headers["authorization"]))), n => n == 1, "the call of the changed client");
        Assert.Equal(3, tokens.Issued);
        Assert.Equal("events.write orders.read", tokens.LastScope);
        await AssertNoSecretShownAsync(bridge, client, "protected", tokens.ClientSecret);
    }

    [Fact]
    public async Task The_console_shows_the_credential_names_but_never_a_secret_value()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        await CreateAsync(client, Topic, new
        {
            name = "shown",
            url = Receiver.UrlOf("shown"),
            credentials = new { headers = new Dictionary<string, string> { ["X-Api-Key"] = ApiKey }, basic = new { username = "bridge", password = Password } },
        });
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var (page, errors) = await browser.OpenAsync(bridge.BaseAddress);

        await page.GotoAsync("/console");
        await page.FillAsync("#key", bridge.BootstrapKey);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.ClickAsync("nav >> text=Subscriptions");
        await page.Locator("#subscriptions tbody tr", new() { HasText = "shown" }).Locator("button", new() { HasText = "Details" }).ClickAsync();
        var detail = await page.InnerTextAsync("#sub-detail-body");

        Assert.Contains("X-Api-Key", detail, StringComparison.Ordinal);
        var html = await page.ContentAsync();
        Assert.DoesNotContain(ApiKey, html, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, html, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    private TestTopology Topology() => new TestTopology()
        .Topic(Topic)
        .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");

    private static string BasicPair(ReceivedRequest call)
    {
        var basic = AuthenticationHeaderValue.Parse(call.Headers["authorization"]);
        Assert.Equal("Basic", basic.Scheme);
        return Encoding.UTF8.GetString(Convert.FromBase64String(basic.Parameter!));
    }

    /// <summary>
    /// Publishes until a call to <c>keyed</c> meets <paramref name="wanted"/>: the worker of the old settings may still take
    /// an envelope published just after a replace (its calls finish with the old settings), a later one gets the new.
    /// </summary>
    private async Task<ReceivedRequest> DeliveredAsync(HttpClient client, Func<ReceivedRequest, bool> wanted, string what)
    {
        var calls = await EventuallyAsync(async () =>
        {
            var id = await PublishAsync(client, Topic, new { probe = Guid.NewGuid() }, "order.created");
            await EventuallyAsync(() => Task.FromResult(Receiver["keyed"].Received.Any(c => c.MessageId == id)), seen => seen, "the probe's call");
            return Receiver["keyed"].Received.Where(c => c.MessageId == id).ToList();
        }, c => c.Any(wanted), what);
        return calls.First(wanted);
    }

    private static async Task<JsonElement> ReplaceAsync(HttpClient client, string name, object body)
    {
        var (status, answer, response) = await SendAsync(client, HttpMethod.Put, Route(Topic, name), body);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, $"replace answered {(int)status}: {answer}");
        return answer;
    }

    /// <summary>Every answer the console reads, and the bridge's log, are free of <paramref name="secrets"/>.</summary>
    private static async Task AssertNoSecretShownAsync(Bridge.Testing.BridgeProcess bridge, HttpClient client, string name, params string[] secrets)
    {
        var answers = string.Join('\n', await Task.WhenAll(
            client.GetStringAsync(Route(Topic, name)),
            client.GetStringAsync(Route(Topic)),
            client.GetStringAsync("/api/subscriptions"),
            client.GetStringAsync("/api/endpoints")));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, answers, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, bridge.Output, StringComparison.Ordinal);
        }
    }
}
