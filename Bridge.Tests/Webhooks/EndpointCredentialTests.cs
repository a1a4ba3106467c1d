using Bridge.Tests.Support;

namespace Bridge.Tests.Webhooks;

/// <summary>
/// Credentials to the endpoint beside the signature, against a real token endpoint and a receiver that checks them:
/// static headers and HTTP Basic; OAuth 2.0 client credentials with the token cached, fetched again once on a 401, and
/// a token endpoint that is down (retried, then dead-lettered) or refuses the client (dead-lettered at once). No secret
/// ever appears in an API answer or the bridge's log.
/// </summary>
public sealed class EndpointCredentialTests : BridgeTestBase
{
    private const string Topic = "orders";

    [Fact]
    public async Task Static_headers_and_basic_credentials_come_with_every_call()
    {
        const string password = "development-only-p@ss:word";
        var topology = new TestTopology().Topic(Topic)
            .Subscription(Topic, "keyed", Receiver.UrlOf("keyed"))
            .With($"{Key("keyed")}:Credentials:Headers:X-Api-Key", "development-only-api-key")
            .With($"{Key("keyed")}:Credentials:Basic:Username", "bridge")
            .With($"{Key("keyed")}:Credentials:Basic:Password", password);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        await PublishAsync(client, Topic, new { n = 1 }, "order.created");
        var call = (await Receiver["keyed"].WaitForAsync(1, Patience))[0];

        Assert.Equal("development-only-api-key", call.Headers["x-api-key"]);
        var basic = System.Net.Http.Headers.AuthenticationHeaderValue.Parse(call.Headers["authorization"]);
        Assert.Equal("Basic", basic.Scheme);
        Assert.Equal("bridge:" + password, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(basic.Parameter!)));
        await AssertNoSecretShownAsync(bridge, client, "keyed", password, "development-only-api-key");
    }

    [Fact]
    public async Task An_oauth_token_is_cached_fetched_again_once_when_refused_and_a_token_endpoint_that_is_down_or_refuses_ends_in_a_clear_dead_letter()
    {
        await using var tokens = await TokenEndpoint.StartAsync();
        Receiver["protected"].Decide = (request, _) => tokens.IsValid(request.Headers.GetValueOrDefault("authorization")) ? 200 : 401;
        var topology = new TestTopology().Topic(Topic)
            .Subscription(Topic, "protected", Receiver.UrlOf("protected"), maxAttempts: 3)
            .With($"{Key("protected")}:Credentials:OAuth2:TokenUrl", tokens.Url.ToString())
            .With($"{Key("protected")}:Credentials:OAuth2:ClientId", tokens.ClientId)
            .With($"{Key("protected")}:Credentials:OAuth2:ClientSecret", tokens.ClientSecret)
            .With($"{Key("protected")}:Credentials:OAuth2:Scope", "events.write");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        // Three deliveries, one token.
        for (var i = 0; i < 3; i++)
        {
            await PublishAsync(client, Topic, new { i }, "order.created");
        }
        await Receiver["protected"].WaitForAsync(3, Patience);
        Assert.Equal(1, tokens.Issued);
        Assert.Equal("events.write", tokens.LastScope);
        Assert.All(Receiver["protected"].Received, r => Assert.True(tokens.IsValid(r.Headers["authorization"])));

        // The endpoint stops taking the token: 401, one fresh token, the same attempt delivers.
        tokens.RevokeAll();
        var afterRevoke = await PublishAsync(client, Topic, new { i = 3 }, "order.created");
        var revoked = await EventuallyAsync(() => Task.FromResult(CallsOf(afterRevoke)), c => c.Count >= 2, "the refused call and the call with a fresh token");
        Assert.Equal(2, tokens.Issued);
        Assert.Equal(2, revoked.Count);
        Assert.False(tokens.IsValid(revoked[0].Headers["authorization"]));
        Assert.True(tokens.IsValid(revoked[1].Headers["authorization"]));
        Assert.Empty(await DeadLettersAsync(client));

        // The token endpoint is down: the cached token is refused once (401) and dropped; without a token no further call
        // is made; the attempts are retried, then the envelope is dead-lettered saying why.
        tokens.RevokeAll();
        tokens.FailWith = 503;
        var whileDown = await PublishAsync(client, Topic, new { i = 4 }, "order.created");
        var down = await EventuallyAsync(() => DeadLettersAsync(client), d => d.Count == 1, "the dead letter of the event that found no token");
        Assert.Equal(whileDown, down[0].GetProperty("messageId").GetString());
        Assert.Equal("MaxAttemptsExceeded", down[0].GetProperty("reason").GetString());
        Assert.Contains("No OAuth token: the token endpoint", down[0].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Single(CallsOf(whileDown));

        // The token endpoint refuses the client: permanent, dead-lettered at the first attempt.
        tokens.FailWith = 401;
        var refused = await PublishAsync(client, Topic, new { i = 5 }, "order.created");
        var both = await EventuallyAsync(() => DeadLettersAsync(client), d => d.Count == 2, "the dead letter of the refused client");
        var rejected = both.Single(d => d.GetProperty("messageId").GetString() == refused);
        Assert.Equal("WebhookRejected", rejected.GetProperty("reason").GetString());
        Assert.Equal(1, rejected.GetProperty("deliveryCount").GetInt32());
        await AssertNoSecretShownAsync(bridge, client, "protected", tokens.ClientSecret);
    }

    private List<ReceivedRequest> CallsOf(string messageId) => [.. Receiver["protected"].Received.Where(c => c.MessageId == messageId)];

    private static string Key(string subscription) => $"Bridge:Topics:{Topic}:Subscriptions:{subscription}:Webhook";

    private static async Task<List<System.Text.Json.JsonElement>> DeadLettersAsync(HttpClient client) =>
        [.. (await GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/protected/dead-letters")).GetProperty("items").EnumerateArray()];

    private static async Task AssertNoSecretShownAsync(Bridge.Testing.BridgeProcess bridge, HttpClient client, string subscription, params string[] secrets)
    {
        var answers = string.Join('\n', await Task.WhenAll(
            client.GetStringAsync($"/api/topics/{Topic}/subscriptions/{subscription}"),
            client.GetStringAsync("/api/subscriptions"),
            client.GetStringAsync($"/api/topics/{Topic}/subscriptions/{subscription}/dead-letters")));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, answers, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, bridge.Output, StringComparison.Ordinal);
        }
    }
}
