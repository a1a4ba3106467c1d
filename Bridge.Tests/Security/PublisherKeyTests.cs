using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;

namespace Bridge.Tests.Security;

public sealed class PublisherKeyTests : BridgeTestBase
{
    private TestTopology Topology() => new TestTopology()
        .Subscription("erp-events", "sink", Receiver.UrlOf("sink"))
        .Subscription("crm-events", "crm", Receiver.UrlOf("crm"));

    [Fact]
    public async Task A_publisher_key_publishes_to_its_topics_only_and_its_events_are_delivered()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var admin = bridge.CreateClient();
        await CreatePublisherAsync(admin, "workato-emea", ["publish:erp-events"]);
        var (_, key) = await IssueKeyAsync(admin, "workato-emea");
        using var client = bridge.CreateAnonymousClient();

        using var accepted = await client.SendAsync(Publish("erp-events", """{ "orderId": "12345" }""", key));
        using var refused = await client.SendAsync(Publish("crm-events", """{ "orderId": "12345" }""", key));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:bridge:problem:forbidden", problem.GetProperty("type").GetString());
        Assert.Contains("publish:crm-events", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Receiver["sink"].WaitForAsync(1, Patience);
    }

    [Fact]
    public async Task A_rotated_key_works_beside_its_successor_for_the_grace_period_then_fails()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var admin = bridge.CreateClient();
        await CreatePublisherAsync(admin, "partner", ["publish:*"]);
        var (oldId, oldKey) = await IssueKeyAsync(admin, "partner");
        var (_, newKey) = await RotateAsync(admin, "partner", oldId, "00:00:06");
        using var client = bridge.CreateAnonymousClient();

        using var oldDuringGrace = await client.SendAsync(Publish("erp-events", "{}", oldKey));
        using var newDuringGrace = await client.SendAsync(Publish("erp-events", "{}", newKey));
        await Task.Delay(TimeSpan.FromSeconds(7));
        using var oldAfterGrace = await client.SendAsync(Publish("erp-events", "{}", oldKey));
        using var newAfterGrace = await client.SendAsync(Publish("erp-events", "{}", newKey));

        Assert.Equal(HttpStatusCode.Accepted, oldDuringGrace.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, newDuringGrace.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfterGrace.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, newAfterGrace.StatusCode);
        var keys = await GetJsonAsync(admin, "/api/publishers/partner");
        var old = keys.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == oldId);
        Assert.Equal("expired", old.GetProperty("status").GetString());
        Assert.False(old.TryGetProperty("secretHash", out _));
    }

    [Fact]
    public async Task A_revoked_key_fails_at_once_and_an_expired_key_fails_when_it_expires()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var admin = bridge.CreateClient();
        await CreatePublisherAsync(admin, "partner", ["publish:erp-events"]);
        var (keyId, key) = await IssueKeyAsync(admin, "partner");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(6);
        var (_, shortLived) = await IssueKeyAsync(admin, "partner", expiresAt: expiresAt);
        using var client = bridge.CreateAnonymousClient();
        using var beforeExpiry = await client.SendAsync(Publish("erp-events", "{}", shortLived));
        using var before = await client.SendAsync(Publish("erp-events", "{}", key));

        using var revoke = await admin.DeleteAsync($"/api/publishers/partner/keys/{keyId}");
        using var after = await client.SendAsync(Publish("erp-events", "{}", key));
        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
        using var afterExpiry = await client.SendAsync(Publish("erp-events", "{}", shortLived));

        Assert.True(beforeExpiry.StatusCode == HttpStatusCode.Accepted || DateTimeOffset.UtcNow > expiresAt, "the key works until it expires");
        Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("revoked", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, afterExpiry.StatusCode);
        Assert.Contains("expired", await afterExpiry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_request_publishes_its_body_unchanged_and_an_admin_key_reaches_operations()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var admin = bridge.CreateClient();
        await CreatePublisherAsync(admin, "partner", ["publish:erp-events"]);
        await CreatePublisherAsync(admin, "ops", ["admin"]);
        var (keyId, secret) = await IssueKeyAsync(admin, "partner", "hmac");
        var (_, opsKey) = await IssueKeyAsync(admin, "ops");
        using var client = bridge.CreateAnonymousClient();

        using var signed = Publish("erp-events", """{ "orderId": "12345", "amount": 1500 }""", null);
        await SignAsync(signed, keyId, secret);
        using var response = await client.SendAsync(signed);
        using var operations = new HttpRequestMessage(HttpMethod.Get, "/api/subscriptions");
        operations.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", opsKey);
        using var listed = await client.SendAsync(operations);
        using var opsPublish = await client.SendAsync(Publish("erp-events", "{}", opsKey));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivered = await Receiver["sink"].WaitForAsync(1, Patience);
        Assert.Equal("12345", delivered[0].Json.GetProperty("data").GetProperty("orderId").GetString());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, opsPublish.StatusCode); // admin is not publish
    }

    [Fact]
    public async Task A_publisher_over_its_rate_limit_gets_429_with_retry_after_and_recovers()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var admin = bridge.CreateClient();
        await CreatePublisherAsync(admin, "chatty", ["publish:erp-events"], rateLimitPerSecond: 2);
        var (_, key) = await IssueKeyAsync(admin, "chatty");
        using var client = bridge.CreateAnonymousClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            var response = await client.SendAsync(Publish("erp-events", "{}", key));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited ??= response;
            }
        }
        var refill = (int)Math.Ceiling(2 * clock.Elapsed.TotalSeconds); // tokens the bucket regained while the loop ran
        await Task.Delay(TimeSpan.FromSeconds(2));
        using var recovered = await client.SendAsync(Publish("erp-events", "{}", key));

        var accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
        Assert.InRange(accepted, 4, 4 + refill); // a burst of twice the rate, plus what refilled while the ten calls ran
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 carries Retry-After in seconds");
        Assert.Equal("urn:bridge:problem:rate-limited", JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Accepted, recovered.StatusCode);
        Assert.Equal(accepted + 1, (await Receiver["sink"].WaitForAsync(accepted + 1, Patience)).Count);
    }
}
