using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Replay;

/// <summary>Helpers of the replay tests: a subscription that dead-letters without opening its circuit, batches, dead letters, jobs.</summary>
public abstract class ReplayTestBase : BridgeTestBase
{
    protected const string Topic = "orders";

    /// <summary>A subscription whose failures never open its circuit or pause it, so every failure ends as a dead letter.</summary>
    protected TestTopology Topology(string name, int maxAttempts = 1, int concurrency = 8, TestTopology? topology = null)
    {
        var key = $"Bridge:Topics:{Topic}:Subscriptions:{name}:Webhook";
        return (topology ?? new TestTopology())
            .Subscription(Topic, name, Receiver.UrlOf(name), maxAttempts, concurrency: concurrency)
            .With($"{key}:CircuitBreaker:MinimumThroughput", "100000")
            .With($"{key}:PauseAfterConsecutiveFailures", "0");
    }

    /// <summary>Publishes the events in one batch (<c>{type, orderingKey, data}</c> each); returns their ids in order.</summary>
    protected static async Task<IReadOnlyList<string>> PublishBatchAsync(HttpClient client, IEnumerable<object> events)
    {
        using var response = await client.PostAsJsonAsync($"/api/topics/{Topic}/events/batch", events);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Batch publish answered {(int)response.StatusCode}: {body}");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>Every dead letter of the subscription that the query takes, following <c>next</c> page by page.</summary>
    protected static async Task<List<JsonElement>> ListDeadLettersAsync(HttpClient client, string subscription, string query = "")
    {
        var items = new List<JsonElement>();
        string? after = null;
        do
        {
            var separator = query.Length == 0 ? "" : "&";
            var page = await GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/{subscription}/dead-letters?limit=1000{separator}{query}{(after is null ? "" : "&after=" + after)}");
            items.AddRange(page.GetProperty("items").EnumerateArray());
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64().ToString(CultureInfo.InvariantCulture);
        }
        while (after is not null);
        return items;
    }

    /// <summary>The ids of those dead letters.</summary>
    protected static async Task<List<string>> DeadLetterIdsAsync(HttpClient client, string subscription, string query = "") =>
        [.. (await ListDeadLettersAsync(client, subscription, query)).Select(d => d.GetProperty("messageId").GetString()!)];

    /// <summary>Waits until the subscription holds exactly <paramref name="count"/> dead letters.</summary>
    protected static Task<List<string>> WaitForDeadLettersAsync(HttpClient client, string subscription, int count) =>
        EventuallyAsync(() => DeadLetterIdsAsync(client, subscription), ids => ids.Count == count, $"{count} dead letters in {subscription}");

    /// <summary>Creates a replay job; asserts the 202 and its Location; returns the job.</summary>
    protected static async Task<JsonElement> StartJobAsync(HttpClient client, string subscription, object request)
    {
        using var response = await client.PostAsJsonAsync($"/api/topics/{Topic}/subscriptions/{subscription}/replay-jobs", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Creating the job answered {(int)response.StatusCode}: {body}");
        var job = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal($"/api/replay-jobs/{job.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        return job;
    }

    protected static Task<JsonElement> JobAsync(HttpClient client, string id) => GetJsonAsync(client, $"/api/replay-jobs/{id}");

    /// <summary>Waits until the job has ended (completed, failed or cancelled).</summary>
    protected static Task<JsonElement> WaitForJobToEndAsync(HttpClient client, string id) =>
        EventuallyAsync(() => JobAsync(client, id), j => j.GetProperty("status").GetString() is "Completed" or "Failed" or "Cancelled", $"job {id} to end");

    /// <summary>Posts and returns the status and the ProblemDetails <c>type</c> (null when the answer is not a problem).</summary>
    protected static async Task<(int Status, string? ProblemType)> PostAsync(HttpClient client, string path, object? body)
    {
        using var response = body is null ? await client.PostAsync(path, null) : await client.PostAsJsonAsync(path, body);
        return await StatusAndProblemAsync(response);
    }

    /// <summary>Gets and returns the status and the ProblemDetails <c>type</c> (null when the answer is not a problem).</summary>
    protected static async Task<(int Status, string? ProblemType)> GetStatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await StatusAndProblemAsync(response);
    }

    private static async Task<(int Status, string? ProblemType)> StatusAndProblemAsync(HttpResponseMessage response)
    {
        var type = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString()
            : null;
        return ((int)response.StatusCode, type);
    }

    /// <summary>A time as the API's query string takes it.</summary>
    protected static string Utc(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
