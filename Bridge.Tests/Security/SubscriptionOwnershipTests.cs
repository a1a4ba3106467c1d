using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.HostileBridge;

namespace Bridge.Tests.Security;

/// <summary>A bridge with an owner, another subscriber, a publish-only key and a configured subscription.</summary>
public sealed class OwnershipFixture : HostileBridge
{
    protected override TestTopology Topology() => new TestTopology()
        .Topic("erp-events")
        .With("Bridge:Topics:erp-events:Subscriptions:configured:Webhook:Url", "https://erp.example.com/configured")
        .With("Bridge:Topics:erp-events:Subscriptions:configured:Webhook:Secret", TestTopology.Secret)
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200")
        .With("Bridge:Subscriptions:DrainTime", "01:00:00") // deleted ones stay as tombstones while the class runs: no reaping between snapshots
        .With("Bridge:Subscriptions:MaxPerIdentity", "100000")
        .With("Bridge:Subscriptions:CreationsPerMinute", "100000")
        .WithoutAuthenticationThrottle();

    protected override async Task SeedAsync()
    {
        await IdentityAsync("owner", "subscribe:erp-events");
        await IdentityAsync("other", "subscribe:erp-events");
        await IdentityAsync("publisher", "publish:erp-events");
    }

    /// <summary>The value of the API key header every subscription of the class sends: never to be shown to anyone.</summary>
    public const string ApiKey = "development-only-owners-api-key";

    /// <summary>Creates a fresh subscription with credentials as <paramref name="creator"/> (<c>owner</c> or <c>admin</c>); returns its name.</summary>
    public async Task<string> CreateAsync(string creator)
    {
        var name = $"{creator}-{Guid.NewGuid():N}"[..30];
        var answer = await SendAsync(Client(creator), HttpMethod.Post, "/api/topics/erp-events/subscriptions",
            new { name, url = $"https://hooks.example.com/{name}", credentials = new { headers = new Dictionary<string, string> { ["X-Api-Key"] = ApiKey } } });
        using (answer.Response)
        {
            Assert.True(answer.Status == HttpStatusCode.Created, $"create as {creator}: {(int)answer.Status} {answer.Body}");
        }
        return name;
    }
}

/// <summary>Every route × identity × kind of subscription: who may see and change what, and that a refusal changes nothing.</summary>
public sealed class SubscriptionOwnershipTests(OwnershipFixture fixture) : IClassFixture<OwnershipFixture>
{
    private const string Route = "/api/topics/erp-events/subscriptions/";
    private static readonly string[] Routes = ["get", "replace", "delete", "pause", "resume", "rotate"];
    private static readonly string[] Identities = ["admin", "owner", "other", "publisher", "anonymous"];
    private static readonly string[] Targets = ["owners", "admins", "configured"];

    /// <summary>(route, identity, target, expected status, expected problem type or null for success).</summary>
    public static TheoryData<string, string, string, int, string?> Matrix
    {
        get
        {
            var data = new TheoryData<string, string, string, int, string?>();
            foreach (var route in Routes)
            {
                foreach (var identity in Identities)
                {
                    foreach (var target in Targets)
                    {
                        var (status, problem) = Expected(route, identity, target);
                        data.Add(route, identity, target, status, problem);
                    }
                }
            }
            return data;
        }
    }

    private static (int Status, string? Problem) Expected(string route, string identity, string target) => (identity, target) switch
    {
        ("anonymous", _) => (401, "unauthenticated"),
        ("publisher", _) => (403, "forbidden"),
        ("admin", "configured") => route == "get" ? (200, null) : (409, "subscription-in-configuration"),
        ("admin", _) or ("owner", "owners") => (route == "delete" ? 204 : 200, null),
        _ => (404, "unknown-subscription"), // another identity's, or configured for a subscribe key: not even visible
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_route_serves_only_who_may_manage_the_subscription(string route, string identity, string target, int status, string? problem)
    {
        var name = target switch
        {
            "owners" => await fixture.CreateAsync("owner"),
            "admins" => await fixture.CreateAsync("admin"),
            _ => "configured",
        };
        var seen = await ViewAsync(name);
        var before = await fixture.SnapshotAsync();

        var answer = await SendAsync(fixture.Client(identity), Method(route), Path(route, name), Body(route));

        var what = $"{route} of the {target} subscription as {identity}";
        Assert.DoesNotContain(OwnershipFixture.ApiKey, answer.Body.ToString(), StringComparison.Ordinal);
        using (answer.Response)
        {
            if (problem is null)
            {
                Assert.True(status == (int)answer.Status, $"{what}: expected {status}, got {(int)answer.Status}: {answer.Body}");
                await AssertDoneAsync(route, name, answer.Body, what);
                return;
            }
            AssertProblem((HttpStatusCode)status, problem, answer, what);
            Assert.False(answer.Body.TryGetProperty("secret", out _), what + ": a refusal leaks no secret");
            Assert.False(answer.Body.TryGetProperty("credentials", out _), what + ": a refusal shows no credentials");
        }

        await fixture.AssertUnchangedAsync(before, what);
        Assert.Equal(seen, await ViewAsync(name));
    }

    public static TheoryData<string, string[], string[]> Lists => new()
    {
        { "owner", ["owners"], ["admins", "configured", "others"] },
        { "other", ["others"], ["owners", "admins", "configured"] },
        { "admin", ["owners", "admins", "configured", "others"], [] },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_list_shows_a_subscribe_key_only_its_own_and_an_admin_everything(string identity, string[] visible, string[] hidden)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["owners"] = await fixture.CreateAsync("owner"),
            ["admins"] = await fixture.CreateAsync("admin"),
            ["others"] = await CreateAsOtherAsync(),
            ["configured"] = "configured",
        };

        var answer = await SendAsync(fixture.Client(identity), HttpMethod.Get, "/api/topics/erp-events/subscriptions");
        using (answer.Response)
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var listed = answer.Body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToHashSet();
            Assert.All(visible, v => Assert.Contains(names[v], listed));
            Assert.All(hidden, h => Assert.DoesNotContain(names[h], listed));
            Assert.DoesNotContain(answer.Body.GetProperty("items").EnumerateArray(), i => i.TryGetProperty("secret", out _));
        }
    }

    [Fact]
    public async Task A_name_taken_by_another_identity_cannot_be_taken_over_by_creating_it_again()
    {
        var name = await fixture.CreateAsync("owner");
        var seen = await ViewAsync(name);
        var before = await fixture.SnapshotAsync();

        var answer = await SendAsync(fixture.Client("other"), HttpMethod.Post, "/api/topics/erp-events/subscriptions", new { name, url = "https://evil.example.com/" });

        using (answer.Response)
        {
            AssertProblem(HttpStatusCode.Conflict, "subscription-exists", answer, "re-creating another identity's subscription");
        }
        await fixture.AssertUnchangedAsync(before, "re-creating another identity's subscription");
        Assert.Equal(seen, await ViewAsync(name));
    }

    /// <summary>Asserts that an allowed call did what it says.</summary>
    private async Task AssertDoneAsync(string route, string name, JsonElement body, string what)
    {
        Assert.Equal(route == "rotate", body.ValueKind == JsonValueKind.Object && body.TryGetProperty("secret", out var secret) && secret.GetString()!.StartsWith("whsec_", StringComparison.Ordinal));
        switch (route)
        {
            case "get":
                Assert.Equal(name, body.GetProperty("name").GetString());
                Assert.Equal(name == "configured" ? "" : "X-Api-Key", body.TryGetProperty("credentials", out var credentials) ? credentials.GetProperty("headers")[0].GetString() : "");
                break;
            case "replace":
                Assert.StartsWith("https://attacker.example.com/redirected|", await ViewAsync(name), StringComparison.Ordinal);
                Assert.EndsWith("|X-Stolen", await ViewAsync(name), StringComparison.Ordinal);
                break;
            case "delete":
                var gone = await SendAsync(fixture.Admin, HttpMethod.Get, Route + name);
                gone.Response.Dispose();
                Assert.True(gone.Status == HttpStatusCode.NotFound, what + ": still there after the delete");
                break;
            case "pause" or "resume":
                Assert.Equal(route == "pause" ? "paused" : "active", body.GetProperty("status").GetString());
                break;
        }
    }

    private async Task<string> CreateAsOtherAsync()
    {
        var name = $"other-{Guid.NewGuid():N}"[..30];
        var answer = await SendAsync(fixture.Client("other"), HttpMethod.Post, "/api/topics/erp-events/subscriptions", new { name, url = $"https://hooks.example.com/{name}" });
        answer.Response.Dispose();
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        return name;
    }

    /// <summary>The subscription as the admin sees it (url, status, update time), to prove a refusal changed nothing.</summary>
    private async Task<string> ViewAsync(string name)
    {
        var answer = await SendAsync(fixture.Admin, HttpMethod.Get, Route + name);
        using (answer.Response)
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var headers = answer.Body.TryGetProperty("credentials", out var credentials) ? string.Join(',', credentials.GetProperty("headers").EnumerateArray()) : "";
            return string.Join('|', answer.Body.GetProperty("url").GetString(), answer.Body.GetProperty("status").GetString(),
                Property(answer.Body, "updatedAt"), Property(answer.Body, "previousSecretExpiresAt"), headers);
        }
    }

    private static string Property(JsonElement body, string name) => body.TryGetProperty(name, out var value) ? value.ToString() : "";

    private static HttpMethod Method(string route) => route switch
    {
        "get" => HttpMethod.Get,
        "replace" => HttpMethod.Put,
        "delete" => HttpMethod.Delete,
        _ => HttpMethod.Post,
    };

    private static string Path(string route, string name) => route switch
    {
        "pause" or "resume" => Route + name + "/" + route,
        "rotate" => Route + name + "/secret/rotate",
        _ => Route + name,
    };

    private static object? Body(string route) => route switch
    {
        "replace" => new { url = "https://attacker.example.com/redirected", credentials = new { headers = new Dictionary<string, string> { ["X-Stolen"] = "development-only-x" } } },
        "rotate" => new { gracePeriodSeconds = 60 },
        _ => null,
    };
}
