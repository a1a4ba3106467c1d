using System.Net;
using Bridge.Tests.Security;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.HostileBridge;

namespace Bridge.Tests.Sources;

/// <summary>A bridge reading a RabbitMQ source whose mapping cannot read two messages: one to replay, one to purge.</summary>
public sealed class SourceAccessFixture : HostileBridge
{
    private RabbitMqSource _source = null!;

    /// <summary>Dead letter ids by purpose: <c>replay</c> (stays unreadable), <c>purge</c>.</summary>
    public Dictionary<string, long> DeadLetters { get; } = new(StringComparer.Ordinal);

    protected override async Task StartDependenciesAsync() => _source = await RabbitMqSource.CreateAsync();

    protected override TestTopology Topology() => _source.Configure(
            new TestTopology().Topic("orders").WithoutAuthenticationThrottle(), "erp", "orders",
            new Dictionary<string, string> { ["TypeFrom"] = "property:event_type" });

    protected override async Task SeedAsync()
    {
        await IdentityAsync("subscriber", "subscribe:orders");
        await IdentityAsync("publisher", "publish:orders");
        await _source.PublishJsonAsync("order", """{"n":1}""", "m-replay");
        await _source.PublishJsonAsync("order", """{"n":2}""", "m-purge");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DeadLetters.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two dead letters were not kept");
            await Task.Delay(100);
            var answer = await SendAsync(Admin, HttpMethod.Get, "/api/sources/erp/dead-letters");
            using (answer.Response)
            {
                foreach (var item in answer.Body.GetProperty("items").EnumerateArray())
                {
                    DeadLetters[item.GetProperty("messageId").GetString() == "m-replay" ? "replay" : "purge"] = item.GetProperty("id").GetInt64();
                }
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _source.DisposeAsync();
    }
}

/// <summary>
/// Every sources route × identity: sources and their dead letters are operations, so only the <c>admin</c> scope may see,
/// replay or purge them — a publisher of the topic or one of its subscribers gets 403, no credential 401, and a
/// refusal stores nothing. Unknown sources and dead letters are 404, bad queries 400, each a problem.
/// </summary>
public sealed class SourceAccessTests(SourceAccessFixture fixture) : IClassFixture<SourceAccessFixture>
{
    private static readonly string[] Routes = ["list", "dead-letters", "dead-letter", "replay", "replay-all", "purge"];
    private static readonly string[] Identities = ["admin", "subscriber", "publisher", "anonymous"];

    /// <summary>(route, identity, expected status, expected problem type or null for success).</summary>
    public static TheoryData<string, string, int, string?> Matrix
    {
        get
        {
            var data = new TheoryData<string, string, int, string?>();
            foreach (var route in Routes)
            {
                foreach (var identity in Identities)
                {
                    var (status, problem) = identity switch
                    {
                        "anonymous" => (401, "unauthenticated"),
                        "admin" => route switch
                        {
                            "replay" => (422, "source-message-unreadable"), // allowed, and the mapping still cannot read it
                            "purge" => (204, (string?)null),
                            _ => (200, null),
                        },
                        _ => (403, "forbidden"),
                    };
                    data.Add(route, identity, status, problem);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Only_an_admin_may_see_replay_or_purge_what_a_source_could_not_read(string route, string identity, int status, string? problem)
    {
        var replay = fixture.DeadLetters["replay"];
        var purge = fixture.DeadLetters["purge"];
        var before = await fixture.SnapshotAsync();
        var (method, path) = route switch
        {
            "list" => (HttpMethod.Get, "/api/sources"),
            "dead-letters" => (HttpMethod.Get, "/api/sources/erp/dead-letters?state=open"),
            "dead-letter" => (HttpMethod.Get, $"/api/sources/erp/dead-letters/{replay}"),
            "replay" => (HttpMethod.Post, $"/api/sources/erp/dead-letters/{replay}/replay"),
            "replay-all" => (HttpMethod.Post, "/api/sources/erp/dead-letters/replay"),
            _ => (HttpMethod.Delete, $"/api/sources/erp/dead-letters/{purge}"),
        };

        var answer = await SendAsync(fixture.Client(identity), method, path);
        var what = $"{route} as {identity}";
        using (answer.Response)
        {
            if (problem is not null)
            {
                AssertProblem((HttpStatusCode)status, problem, answer, what);
                if (status != 422)
                {
                    await fixture.AssertUnchangedAsync(before, what);
                }

                return;
            }

            Assert.True(status == (int)answer.Status, $"{what}: expected {status}, got {(int)answer.Status}: {answer.Body}");
            switch (route)
            {
                case "list":
                    Assert.Equal("orders", answer.Body.GetProperty("items")[0].GetProperty("topic").GetString());
                    break;
                case "dead-letter":
                    Assert.Equal("m-replay", answer.Body.GetProperty("deadLetter").GetProperty("messageId").GetString());
                    break;
                case "replay-all":
                    Assert.Contains(answer.Body.GetProperty("stillFailing").EnumerateArray(), f => f.GetProperty("id").GetInt64() == replay);
                    break;
            }
        }
    }

    [Theory]
    [InlineData("/api/sources/nope/dead-letters", 404, "unknown-source")]
    [InlineData("/api/sources/erp/dead-letters/999999", 404, "source-dead-letter-not-found")]
    [InlineData("/api/sources/erp/dead-letters?state=bogus", 400, "invalid-query")]
    [InlineData("/api/sources/erp/dead-letters?limit=0", 400, "invalid-query")]
    [InlineData("/api/sources/erp/dead-letters?before=-4", 400, "invalid-query")]
    public async Task Unknown_sources_and_bad_queries_are_problems(string path, int status, string problem)
    {
        var answer = await SendAsync(fixture.Admin, HttpMethod.Get, path);
        using (answer.Response)
        {
            AssertProblem((HttpStatusCode)status, problem, answer, path);
        }
    }

    [Theory]
    [InlineData("POST", "/api/sources/erp/dead-letters/999999/replay", "source-dead-letter-not-found")]
    [InlineData("DELETE", "/api/sources/erp/dead-letters/999999", "source-dead-letter-not-found")]
    [InlineData("POST", "/api/sources/nope/dead-letters/replay", "unknown-source")]
    public async Task A_replay_or_purge_of_what_does_not_exist_is_404(string method, string path, string problem)
    {
        var answer = await SendAsync(fixture.Admin, new HttpMethod(method), path);
        using (answer.Response)
        {
            AssertProblem(HttpStatusCode.NotFound, problem, answer, $"{method} {path}");
        }
    }
}
