using System.Net;
using Bridge.Tests.Security;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.HostileBridge;

namespace Bridge.Tests.Recovery;

/// <summary>A bridge with an owner, another subscriber, a publish-only key and a configured subscription; jobs stay queued.</summary>
public sealed class RecoveryAccessFixture : HostileBridge
{
    public const string Topic = "erp-events";

    protected override TestTopology Topology() => new TestTopology()
        .Topic(Topic)
        .With($"Bridge:Topics:{Topic}:Subscriptions:configured:Webhook:Url", "https://erp.example.com/configured")
        .With($"Bridge:Topics:{Topic}:Subscriptions:configured:Webhook:Secret", TestTopology.Secret)
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200")
        .With("Bridge:Replay:Jobs:Enabled", "false") // jobs stay queued, so a cancel always finds one to cancel
        .WithoutAuthenticationThrottle();

    /// <summary>Subscription names by who made them: <c>owners</c>, <c>admins</c>, <c>configured</c>.</summary>
    public Dictionary<string, string> Subscriptions { get; } = new(StringComparer.Ordinal) { ["configured"] = "configured" };

    protected override async Task SeedAsync()
    {
        await IdentityAsync("owner", "subscribe:" + Topic);
        await IdentityAsync("other", "subscribe:" + Topic);
        await IdentityAsync("publisher", "publish:" + Topic);
        foreach (var (target, creator) in new[] { ("owners", "owner"), ("admins", "admin") })
        {
            var name = target + "-sub";
            var answer = await SendAsync(Client(creator), HttpMethod.Post, $"/api/topics/{Topic}/subscriptions", new { name, url = $"https://hooks.example.com/{name}" });
            using (answer.Response)
            {
                Assert.True(answer.Status == HttpStatusCode.Created, $"create as {creator}: {(int)answer.Status} {answer.Body}");
            }
            Subscriptions[target] = name;
        }
    }
}

/// <summary>
/// Every recovery route × identity × kind of subscription: recovery is an operation, so like dead-letter replay only
/// the <c>admin</c> scope may start, see or cancel a job — not even the subscription's owner — and a refusal stores nothing.
/// </summary>
public sealed class RecoveryAccessTests(RecoveryAccessFixture fixture) : IClassFixture<RecoveryAccessFixture>
{
    private static readonly string[] Routes = ["create", "create-for-topic", "list", "get", "cancel"];
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
                        var (status, problem) = identity switch
                        {
                            "anonymous" => (401, "unauthenticated"),
                            "admin" => (route.StartsWith("create", StringComparison.Ordinal) ? 202 : 200, (string?)null),
                            _ => (403, "forbidden"), // a subscribe key may not recover even its own subscription, as it may not replay its dead letters
                        };
                        data.Add(route, identity, target, status, problem);
                    }
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Only_an_admin_may_start_see_or_cancel_a_recovery(string route, string identity, string target, int status, string? problem)
    {
        var subscription = fixture.Subscriptions[target];
        var job = await CreateAsync(fixture.Admin, subscription);
        var before = await fixture.SnapshotAsync();
        var (method, path) = route switch
        {
            "create" => (HttpMethod.Post, $"/api/topics/{RecoveryAccessFixture.Topic}/subscriptions/{subscription}/recovery-jobs"),
            "create-for-topic" => (HttpMethod.Post, $"/api/topics/{RecoveryAccessFixture.Topic}/recovery-jobs"),
            "list" => (HttpMethod.Get, $"/api/recovery-jobs?subscription={subscription}"),
            "get" => (HttpMethod.Get, $"/api/recovery-jobs/{job}"),
            _ => (HttpMethod.Post, $"/api/recovery-jobs/{job}/cancel"),
        };

        var answer = await SendAsync(fixture.Client(identity), method, path, method == HttpMethod.Post ? Window() : null);

        var what = $"{route} of the {target} subscription as {identity}";
        using (answer.Response)
        {
            if (problem is not null)
            {
                AssertProblem((HttpStatusCode)status, problem, answer, what);
                await fixture.AssertUnchangedAsync(before, what);
                Assert.Equal("Queued", await StatusAsync(job));
                return;
            }

            Assert.True(status == (int)answer.Status, $"{what}: expected {status}, got {(int)answer.Status}: {answer.Body}");
            switch (route)
            {
                case "create":
                    Assert.Equal(subscription, answer.Body.GetProperty("subscription").GetString());
                    break;
                case "create-for-topic":
                    Assert.Equal(3, answer.Body.GetProperty("jobs").GetArrayLength());
                    break;
                case "list":
                    Assert.Contains(answer.Body.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetString() == job);
                    break;
                case "get":
                    Assert.Equal(job, answer.Body.GetProperty("id").GetString());
                    break;
                default:
                    Assert.Equal("Cancelled", await StatusAsync(job));
                    break;
            }
        }
    }

    private static object Window() => new { from = DateTimeOffset.UtcNow.AddHours(-2), to = DateTimeOffset.UtcNow.AddHours(-1) };

    private static async Task<string> CreateAsync(HttpClient admin, string subscription)
    {
        var answer = await SendAsync(admin, HttpMethod.Post, $"/api/topics/{RecoveryAccessFixture.Topic}/subscriptions/{subscription}/recovery-jobs", Window());
        using (answer.Response)
        {
            Assert.True(answer.Status == HttpStatusCode.Accepted, $"create as admin: {(int)answer.Status} {answer.Body}");
            return answer.Body.GetProperty("id").GetString()!;
        }
    }

    private async Task<string?> StatusAsync(string job)
    {
        var answer = await SendAsync(fixture.Admin, HttpMethod.Get, $"/api/recovery-jobs/{job}");
        using (answer.Response)
        {
            return answer.Body.GetProperty("status").GetString();
        }
    }
}
