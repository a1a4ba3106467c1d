using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Security;

/// <summary>One bridge with publishers and keys of every state; each hostile request is refused with a ProblemDetails and stores nothing.</summary>
public sealed class HostileCredentialFixture : IAsyncLifetime
{
    public TestDirectory Data { get; } = new();

    public WebhookReceiver Receiver { get; private set; } = null!;

    public BridgeProcess Bridge { get; private set; } = null!;

    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    public async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        var topology = new TestTopology()
            .Subscription("erp-events", "sink", Receiver.UrlOf("sink"))
            .Subscription("crm-events", "crm", Receiver.UrlOf("crm"))
            .WithoutAuthenticationThrottle(); // every case fails authentication from 127.0.0.1
        Bridge = await BridgeProcess.StartAsync(Data.Path, topology.Settings);
        using var admin = Bridge.CreateClient();
        await CreatePublisherAsync(admin, "erp", ["publish:erp-events"]);
        await CreatePublisherAsync(admin, "crm", ["publish:crm-events"]);
        (Keys["erp-id"], Keys["erp"]) = await IssueKeyAsync(admin, "erp");
        (Keys["hmac-id"], Keys["hmac"]) = await IssueKeyAsync(admin, "erp", "hmac");
        var (revokedId, revoked) = await IssueKeyAsync(admin, "erp");
        Keys["revoked"] = revoked;
        using var revoke = await admin.DeleteAsync($"/api/publishers/erp/keys/{revokedId}");
        var (rotatedId, rotated) = await IssueKeyAsync(admin, "erp");
        Keys["rotated"] = rotated;
        await RotateAsync(admin, "erp", rotatedId, "00:00:00");
        (_, Keys["expiring"]) = await IssueKeyAsync(admin, "erp", expiresAt: DateTimeOffset.UtcNow.AddSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        await Receiver.DisposeAsync();
        Data.Dispose();
    }
}

public sealed class HostileCredentialTests(HostileCredentialFixture fixture) : IClassFixture<HostileCredentialFixture>
{
    private const string Event = """{ "orderId": "12345" }""";

    public static TheoryData<string, int, string> Cases => new()
    {
        { "no credentials", 401, "unauthenticated" },
        { "basic authentication", 401, "unauthenticated" },
        { "a bearer token that is not a Bridge key", 401, "unauthenticated" },
        { "an unknown key id", 401, "unauthenticated" },
        { "a known key id with a wrong secret", 401, "unauthenticated" },
        { "an expired key", 401, "unauthenticated" },
        { "a revoked key", 401, "unauthenticated" },
        { "a key rotated out after its grace period", 401, "unauthenticated" },
        { "an oversized Authorization header", 401, "unauthenticated" },
        { "two bearer tokens", 401, "unauthenticated" },
        { "another publisher's topic", 403, "forbidden" },
        { "a publish key creating a publisher", 403, "forbidden" },
        { "a publish key replaying dead letters", 403, "forbidden" },
        { "a publish key pausing an endpoint", 403, "forbidden" },
        { "no credentials on the publisher API", 401, "unauthenticated" },
        { "a forged HMAC signature", 401, "unauthenticated" },
        { "an HMAC timestamp outside the window", 401, "unauthenticated" },
        { "an HMAC timestamp in the future", 401, "unauthenticated" },
        { "an HMAC body tampered after signing", 401, "unauthenticated" },
        { "an HMAC unknown key id", 401, "unauthenticated" },
        { "an HMAC signature with an API key's id", 401, "unauthenticated" },
        { "an HMAC key used as a bearer token", 401, "unauthenticated" },
        { "a signature and a bearer token at once", 401, "unauthenticated" },
        { "a signature without a timestamp", 401, "unauthenticated" },
        { "a timestamp that is not a number", 401, "unauthenticated" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_credential_is_refused_with_a_problem_and_stores_nothing(string what, int status, string problem)
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        var before = StoreSnapshot.Take(fixture.Data.Path);

        using var request = await RequestAsync(what);
        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{what}: expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:bridge:problem:" + problem, json.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
        if (status == 401)
        {
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        await Task.Delay(300);
        before.AssertUnchanged(StoreSnapshot.Take(fixture.Data.Path), what);
    }

    [Fact]
    public async Task A_signed_request_cannot_be_replayed()
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        using var first = Publish("erp-events", Event, null);
        await SignAsync(first, fixture.Keys["hmac-id"], fixture.Keys["hmac"]);
        using var replay = Publish("erp-events", Event, null);
        foreach (var header in first.Headers)
        {
            replay.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var accepted = await client.SendAsync(first);
        await fixture.Receiver["sink"].WaitForAsync(1, TimeSpan.FromSeconds(30));
        var (before, _) = await StoreSnapshot.SettledAsync(fixture.Data.Path, () => fixture.Receiver["sink"].Received.Count, TimeSpan.FromSeconds(20));
        using var refused = await client.SendAsync(replay);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await Task.Delay(300);
        before.AssertUnchanged(StoreSnapshot.Take(fixture.Data.Path), "a replayed signature");
    }

    private async Task<HttpRequestMessage> RequestAsync(string what)
    {
        var keys = fixture.Keys;
        var erpId = keys["erp-id"];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (what)
        {
            case "no credentials": return Publish("erp-events", Event, null);
            case "basic authentication": return WithAuthorization("Basic dXNlcjpwYXNzd29yZA==");
            case "a bearer token that is not a Bridge key": return Publish("erp-events", Event, "not-a-bridge-key");
            case "an unknown key id": return Publish("erp-events", Event, "brk_0123456789abcdef_" + new string('A', 43));
            case "a known key id with a wrong secret": return Publish("erp-events", Event, $"brk_{erpId}_" + new string('B', 43));
            case "an expired key": return Publish("erp-events", Event, keys["expiring"]);
            case "a revoked key": return Publish("erp-events", Event, keys["revoked"]);
            case "a key rotated out after its grace period": return Publish("erp-events", Event, keys["rotated"]);
            case "an oversized Authorization header": return Publish("erp-events", Event, keys["erp"] + new string('x', 16_000));
            case "two bearer tokens": return WithAuthorization($"Bearer {keys["erp"]}, Bearer {keys["erp"]}");
            case "another publisher's topic": return Publish("crm-events", Event, keys["erp"]);
            case "a publish key creating a publisher": return Admin(HttpMethod.Post, "/api/publishers", """{ "id": "intruder", "name": "x", "scopes": [ "admin" ] }""", keys["erp"]);
            case "a publish key replaying dead letters": return Admin(HttpMethod.Post, "/api/topics/erp-events/subscriptions/sink/dead-letters/replay", "{}", keys["erp"]);
            case "a publish key pausing an endpoint": return Admin(HttpMethod.Post, "/api/topics/erp-events/subscriptions/sink/endpoint/pause", """{ "reason": "x" }""", keys["erp"]);
            case "no credentials on the publisher API": return Admin(HttpMethod.Post, "/api/publishers", """{ "id": "intruder", "name": "x", "scopes": [ "admin" ] }""", null);
            case "an HMAC unknown key id": return await SignedAsync("0123456789abcdef", keys["hmac"], now);
            case "an HMAC signature with an API key's id": return await SignedAsync(erpId, keys["hmac"], now);
            case "an HMAC timestamp outside the window": return await SignedAsync(keys["hmac-id"], keys["hmac"], now - 600);
            case "an HMAC timestamp in the future": return await SignedAsync(keys["hmac-id"], keys["hmac"], now + 600);
            case "a forged HMAC signature":
                {
                    var request = Publish("erp-events", Event, null);
                    request.Headers.Add("Bridge-Key-Id", keys["hmac-id"]);
                    request.Headers.Add("Bridge-Timestamp", now.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    request.Headers.Add("Bridge-Signature", "v1=" + Convert.ToBase64String(new byte[32]));
                    return request;
                }
            case "an HMAC body tampered after signing":
                {
                    var request = await SignedAsync(keys["hmac-id"], keys["hmac"], now);
                    request.Content = new StringContent("""{ "orderId": "99999" }""", Encoding.UTF8, "application/json");
                    return request;
                }
            case "an HMAC key used as a bearer token": return Publish("erp-events", Event, $"brk_{keys["hmac-id"]}_{keys["hmac"]}");
            case "a signature and a bearer token at once":
                {
                    var request = await SignedAsync(keys["hmac-id"], keys["hmac"], now);
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", keys["erp"]);
                    return request;
                }
            case "a signature without a timestamp":
                {
                    var request = await SignedAsync(keys["hmac-id"], keys["hmac"], now);
                    request.Headers.Remove("Bridge-Timestamp");
                    return request;
                }
            case "a timestamp that is not a number":
                {
                    var request = await SignedAsync(keys["hmac-id"], keys["hmac"], now);
                    request.Headers.Remove("Bridge-Timestamp");
                    request.Headers.Add("Bridge-Timestamp", "yesterday");
                    return request;
                }
            default: throw new ArgumentOutOfRangeException(nameof(what), what, "no such case");
        }
    }

    private static HttpRequestMessage WithAuthorization(string value)
    {
        var request = Publish("erp-events", Event, null);
        request.Headers.TryAddWithoutValidation("Authorization", value);
        return request;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, string json, string? key)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        return request;
    }

    private static async Task<HttpRequestMessage> SignedAsync(string keyId, string secret, long timestamp)
    {
        var request = Publish("erp-events", Event, null);
        await SignAsync(request, keyId, secret, timestamp);
        return request;
    }
}
