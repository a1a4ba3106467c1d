using System.Net;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.HostileBridge;

namespace Bridge.Tests.Security;

/// <summary>A bridge with low limits: 5 failed authentications per address, 8 per key id, in 6-second windows; 3 subscriptions per identity, 4 creations a minute.</summary>
public sealed class ThrottlingFixture : HostileBridge
{
    public const int PerAddress = 5;
    public const int PerKey = 8;

    protected override TestTopology Topology() => new TestTopology()
        .Topic("erp-events")
        .With("Bridge:Security:FailedAuthentication:PerAddress", PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Bridge:Security:FailedAuthentication:PerKey", PerKey.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("Bridge:Security:FailedAuthentication:Window", "00:00:06")
        .With("Bridge:Subscriptions:MaxPerIdentity", "3")
        .With("Bridge:Subscriptions:CreationsPerMinute", "4");

    protected override async Task SeedAsync()
    {
        await IdentityAsync("erp", "publish:erp-events");
        await IdentityAsync("victim", "publish:erp-events");
        await IdentityAsync("wrong", "publish:erp-events");
        await IdentityAsync("revoked", "publish:erp-events");
        using var revoke = await Admin.DeleteAsync($"/api/publishers/revoked/keys/{Keys["revoked:id"]}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await IdentityAsync("capped", "subscribe:erp-events");
        await IdentityAsync("hasty", "subscribe:erp-events");
    }

    /// <summary>A call any valid credential may make and that stores nothing: whether a key is (still) let in.</summary>
    public static Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> ProbeAsync(HttpClient client) =>
        SendAsync(client, HttpMethod.Get, "/api/topics");

    /// <summary>Publishes one event as <paramref name="client"/>; returns the answer.</summary>
    public static Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> PublishAsync(HttpClient client) =>
        SendAsync(client, HttpMethod.Post, "/api/topics/erp-events/events", new { orderId = "12345" });
}

public sealed class AuthThrottlingTests(ThrottlingFixture fixture) : IClassFixture<ThrottlingFixture>
{
    public static TheoryData<string, int> Credentials => new()
    {
        { "a bearer token that is not a Bridge key", 10 },
        { "an unknown key id", 11 },
        { "a known key id with a wrong secret", 12 },
        { "basic authentication", 13 },
        { "a forged HMAC signature", 14 },
        { "a revoked key", 15 },
    };

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task Failed_authentications_from_one_address_end_in_429_for_that_address_only(string what, int address)
    {
        var attacker = fixture.Client("anonymous", address);
        Apply(attacker, what);
        var before = await fixture.SnapshotAsync();

        for (var i = 0; i < ThrottlingFixture.PerAddress; i++)
        {
            var failed = await ThrottlingFixture.PublishAsync(attacker);
            using (failed.Response)
            {
                AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", failed, $"{what}, attempt {i + 1}");
            }
        }

        var throttled = await ThrottlingFixture.PublishAsync(attacker);
        using (throttled.Response)
        {
            AssertProblem(HttpStatusCode.TooManyRequests, "authentication-throttled", throttled, what + ", over the limit");
            Assert.InRange(throttled.Response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 6);
        }
        var validFromThere = await ThrottlingFixture.ProbeAsync(fixture.Client("erp", address));
        using (validFromThere.Response)
        {
            AssertProblem(HttpStatusCode.TooManyRequests, "authentication-throttled", validFromThere, what + ": a valid key from the throttled address");
        }
        await fixture.AssertUnchangedAsync(before, what);

        var elsewhere = await ThrottlingFixture.ProbeAsync(fixture.Client("erp", address + 100));
        using (elsewhere.Response)
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.Status); // the key itself is not locked out by one address
        }
    }

    [Fact]
    public async Task Failures_for_one_key_id_from_many_addresses_throttle_that_key_id_for_one_window_only()
    {
        var keyId = fixture.Keys["victim:id"];
        for (var i = 0; i < ThrottlingFixture.PerKey; i++)
        {
            var attacker = fixture.Client($"brk_{keyId}_{new string('W', 43)}", 30 + (i / 2)); // two failures per address: under its limit
            var failed = await ThrottlingFixture.PublishAsync(attacker);
            using (failed.Response)
            {
                AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", failed, $"wrong secret {i + 1}");
            }
        }

        var victim = await ThrottlingFixture.ProbeAsync(fixture.Client("victim", 40));
        var bystander = await ThrottlingFixture.ProbeAsync(fixture.Client("erp", 40));
        using (victim.Response)
        using (bystander.Response)
        {
            AssertProblem(HttpStatusCode.TooManyRequests, "authentication-throttled", victim, "the attacked key id");
            Assert.Equal(HttpStatusCode.OK, bystander.Status); // the address is not throttled, only the key id
        }

        await Task.Delay(TimeSpan.FromSeconds(victim.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds + 0.5));
        var later = await ThrottlingFixture.ProbeAsync(fixture.Client("victim", 41));
        using (later.Response)
        {
            Assert.Equal(HttpStatusCode.OK, later.Status); // bounded: the key works again once the window ends
        }
    }

    [Fact]
    public async Task A_success_between_failures_resets_nothing()
    {
        var wrong = fixture.Client($"brk_{Guid.NewGuid():N}_{new string('Q', 43)}", 50);
        for (var i = 0; i < ThrottlingFixture.PerAddress - 1; i++)
        {
            (await ThrottlingFixture.PublishAsync(wrong)).Response.Dispose();
        }

        var success = await ThrottlingFixture.ProbeAsync(fixture.Client("erp", 50));
        var last = await ThrottlingFixture.PublishAsync(wrong);
        var throttled = await ThrottlingFixture.PublishAsync(wrong);
        using (success.Response)
        using (last.Response)
        using (throttled.Response)
        {
            Assert.Equal(HttpStatusCode.OK, success.Status);
            AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", last, "the fifth failure");
            AssertProblem(HttpStatusCode.TooManyRequests, "authentication-throttled", throttled, "the sixth failure");
        }
    }

    [Fact]
    public async Task Requests_without_credentials_are_refused_but_not_counted()
    {
        var anonymous = fixture.Client("anonymous", 60);
        for (var i = 0; i < ThrottlingFixture.PerAddress * 3; i++)
        {
            var refused = await ThrottlingFixture.PublishAsync(anonymous);
            using (refused.Response)
            {
                AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", refused, $"anonymous {i + 1}");
            }
        }

        var valid = await ThrottlingFixture.ProbeAsync(fixture.Client("erp", 60));
        using (valid.Response)
        {
            Assert.Equal(HttpStatusCode.OK, valid.Status);
        }
    }

    [Fact]
    public async Task Console_sign_in_with_wrong_keys_is_throttled_even_for_the_right_key_afterwards()
    {
        var browser = fixture.Client("anonymous", 70);
        var before = await fixture.SnapshotAsync();
        for (var i = 0; i < ThrottlingFixture.PerAddress; i++)
        {
            var wrong = await SendAsync(browser, HttpMethod.Post, "/console/session", new { key = $"brk_{Guid.NewGuid():N}_{new string('S', 43)}"[..70] });
            using (wrong.Response)
            {
                AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated", wrong, $"sign-in {i + 1}");
            }
        }

        var right = await SendAsync(browser, HttpMethod.Post, "/console/session", new { key = fixture.Bridge.BootstrapKey });
        using (right.Response)
        {
            AssertProblem(HttpStatusCode.TooManyRequests, "authentication-throttled", right, "sign-in over the limit");
            Assert.False(right.Response.Headers.Contains("Set-Cookie"));
            Assert.NotNull(right.Response.Headers.RetryAfter);
        }
        await fixture.AssertUnchangedAsync(before, "throttled sign-ins");
    }

    [Fact]
    public async Task An_identity_cannot_own_more_subscriptions_than_the_cap()
    {
        var client = fixture.Client("capped", 80);
        for (var i = 0; i < 3; i++)
        {
            var created = await SendAsync(client, HttpMethod.Post, "/api/topics/erp-events/subscriptions", new { name = $"capped-{i}", url = "https://hooks.example.com/c" });
            created.Response.Dispose();
            Assert.Equal(HttpStatusCode.Created, created.Status);
        }

        var before = await fixture.SnapshotAsync();
        var over = await SendAsync(client, HttpMethod.Post, "/api/topics/erp-events/subscriptions", new { name = "capped-3", url = "https://hooks.example.com/c" });
        using (over.Response)
        {
            AssertProblem(HttpStatusCode.Conflict, "too-many-subscriptions", over, "the fourth subscription");
        }
        await fixture.AssertUnchangedAsync(before, "a subscription over the cap");
    }

    [Fact]
    public async Task Creating_subscriptions_is_rate_limited_per_identity()
    {
        var client = fixture.Client("hasty", 90);
        var route = "/api/topics/erp-events/subscriptions";
        for (var i = 0; i < 3; i++)
        {
            var created = await SendAsync(client, HttpMethod.Post, route, new { name = $"hasty-{i}", url = "https://hooks.example.com/h" });
            created.Response.Dispose();
            Assert.Equal(HttpStatusCode.Created, created.Status);
        }
        using (var deleted = await client.DeleteAsync(route + "/hasty-0"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        var fourth = await SendAsync(client, HttpMethod.Post, route, new { name = "hasty-3", url = "https://hooks.example.com/h" });
        fourth.Response.Dispose();
        Assert.Equal(HttpStatusCode.Created, fourth.Status);

        var before = await fixture.SnapshotAsync();
        var fifth = await SendAsync(client, HttpMethod.Post, route, new { name = "hasty-4", url = "https://hooks.example.com/h" });
        using (fifth.Response)
        {
            AssertProblem(HttpStatusCode.TooManyRequests, "rate-limited", fifth, "the fifth creation within a minute");
            Assert.NotNull(fifth.Response.Headers.RetryAfter);
        }
        await fixture.AssertUnchangedAsync(before, "a creation over the rate");
        using var others = await fixture.Client("capped", 91).GetAsync(route);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, others.StatusCode); // per identity: another identity is not held
    }

    private void Apply(HttpClient client, string what)
    {
        var headers = client.DefaultRequestHeaders;
        switch (what)
        {
            case "a bearer token that is not a Bridge key": headers.TryAddWithoutValidation("Authorization", "Bearer not-a-bridge-key"); break;
            case "an unknown key id": headers.TryAddWithoutValidation("Authorization", $"Bearer brk_{Guid.NewGuid():N}_{new string('U', 43)}"); break;
            case "a known key id with a wrong secret": headers.TryAddWithoutValidation("Authorization", $"Bearer brk_{fixture.Keys["wrong:id"]}_{new string('X', 43)}"); break;
            case "basic authentication": headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin"))); break;
            case "a forged HMAC signature":
                headers.Add("Bridge-Key-Id", "forged0123456789");
                headers.Add("Bridge-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                headers.Add("Bridge-Signature", "v1=" + Convert.ToBase64String(new byte[32]));
                break;
            case "a revoked key": headers.TryAddWithoutValidation("Authorization", "Bearer " + fixture.Keys["revoked"]); break;
            default: throw new ArgumentOutOfRangeException(nameof(what), what, "no such case");
        }
    }
}
