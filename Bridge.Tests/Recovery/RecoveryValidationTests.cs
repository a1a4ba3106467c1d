using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Recovery;

/// <summary>Recovery requests that cannot be served are refused with ProblemDetails naming the field, and store nothing.</summary>
public sealed class RecoveryValidationTests : RecoveryTestBase
{
    [Fact]
    public async Task An_invalid_recovery_request_is_a_400_naming_the_field_and_stores_nothing()
    {
        await using var bridge = await StartBridgeAsync(PushAndPull());
        using var client = bridge.CreateClient();
        var now = DateTimeOffset.UtcNow;
        string At(TimeSpan offset) => Rfc3339(now + offset);
        var hourAgo = At(TimeSpan.FromHours(-1));
        (string Subscription, string Body, string Field, string? Says)[] invalid =
        [
            ("recipe", "{}", "from", "required"),
            ("recipe", $$"""{ "from": "{{At(TimeSpan.FromHours(1))}}" }""", "from", "future"),
            ("recipe", $$"""{ "from": "{{hourAgo}}", "to": "{{At(TimeSpan.FromHours(1))}}" }""", "to", "future"),
            ("recipe", $$"""{ "from": "{{hourAgo}}", "to": "{{At(TimeSpan.FromHours(-2))}}" }""", "from", "after 'to'"),
            ("recipe", $$"""{ "from": "{{At(TimeSpan.FromDays(-31))}}" }""", "from", "kept 30.00:00:00"),
            ("recipe", $$"""{ "from": "{{hourAgo}}", "url": "ftp://example.com/hook" }""", "url", "absolute http or https"),
            ("recipe", $$"""{ "from": "{{hourAgo}}", "url": "http://user:secret@example.com/hook" }""", "url", "credentials"),
            ("recipe", $$"""{ "from": "{{hourAgo}}", "url": "http://10.1.2.3/hook" }""", "url", "destination policy"),
            ("recipe", $$"""{ "from": "{{hourAgo}}", "ratePerSecond": 0 }""", "ratePerSecond", "between 1 and"),
            ("agent", $$"""{ "from": "{{hourAgo}}" }""", "subscription", "pull subscription"),
            ("", $$"""{ "from": "{{hourAgo}}", "url": "https://example.com/hook" }""", "url", "one subscription"),
        ];

        foreach (var (subscription, body, field, says) in invalid)
        {
            var path = subscription.Length == 0 ? $"/api/topics/{Topic}/recovery-jobs" : $"/api/topics/{Topic}/subscriptions/{subscription}/recovery-jobs";
            using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

            Assert.True(400 == (int)response.StatusCode, $"{body} answered {(int)response.StatusCode}: {problem}");
            Assert.Equal("urn:bridge:problem:invalid-request", problem.GetProperty("type").GetString());
            var errors = problem.GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), $"{body}: no error for '{field}' in {errors}");
            Assert.Contains(says!, messages[0].GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("user:secret", problem.ToString(), StringComparison.Ordinal);
        }
        Assert.Empty((await GetJsonAsync(client, "/api/recovery-jobs")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Unknown_topics_subscriptions_and_jobs_are_404s()
    {
        await using var bridge = await StartBridgeAsync(PushAndPull());
        using var client = bridge.CreateClient();
        var body = new { from = Rfc3339(DateTimeOffset.UtcNow.AddHours(-1)) };

        Assert.Equal((404, "urn:bridge:problem:unknown-subscription"), await PostAsync(client, $"/api/topics/{Topic}/subscriptions/missing/recovery-jobs", body));
        Assert.Equal((404, "urn:bridge:problem:unknown-topic"), await PostAsync(client, "/api/topics/missing/recovery-jobs", body));
        Assert.Equal((404, "urn:bridge:problem:recovery-job-not-found"), await GetStatusAsync(client, "/api/recovery-jobs/rc_unknown"));
        Assert.Equal((404, "urn:bridge:problem:recovery-job-not-found"), await PostAsync(client, "/api/recovery-jobs/rc_unknown/cancel", null));

        var replay = await StartJobAsync(client, "recipe", new { ratePerSecond = 10 }); // a replay job is not a recovery job
        Assert.Equal((404, "urn:bridge:problem:recovery-job-not-found"), await GetStatusAsync(client, $"/api/recovery-jobs/{replay.GetProperty("id").GetString()}"));
        using var listed = await client.GetAsync("/api/recovery-jobs?status=Sideways");
        Assert.Equal(400, (int)listed.StatusCode);
        Assert.True((await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("status", out _));
    }

    private TestTopology PushAndPull() => Topology("recipe").With($"Bridge:Topics:{Topic}:Subscriptions:agent:Delivery", "pull");
}
