using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Audit;

/// <summary>Helpers to read the audit API of a bridge process.</summary>
public abstract class AuditTestBase : BridgeTestBase
{
    protected static Task<JsonElement> EventAsync(HttpClient client, string messageId) => GetJsonAsync(client, $"/api/events/{messageId}");

    /// <summary>The entries of the envelope's timeline; none while nothing about it is recorded yet.</summary>
    protected static async Task<JsonElement> TimelineAsync(HttpClient client, string messageId) =>
        (await TryGetJsonAsync(client, $"/api/events/{messageId}/timeline"))?.GetProperty("entries") ?? JsonDocument.Parse("[]").RootElement.Clone();

    /// <summary>Waits until the event's record is written (records are written in the background).</summary>
    protected static async Task<JsonElement> RecordedEventAsync(HttpClient client, string messageId) =>
        (await EventuallyAsync(() => TryGetJsonAsync(client, $"/api/events/{messageId}"), e => e is not null, $"the record of {messageId}"))!.Value;

    /// <summary>Every event a search finds, page by page; fails on a page that repeats an event.</summary>
    protected static async Task<List<string>> SearchAllAsync(HttpClient client, string query, int limit)
    {
        var ids = new List<string>();
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 100, "Paging did not end.");
            var page = await GetJsonAsync(client, $"/api/events?{query}&limit={limit}" + (after is null ? "" : $"&after={after}"));
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("messageId").GetString()!).ToList();
            Assert.True(items.Count <= limit, $"A page of {items.Count} for limit {limit}.");
            ids.AddRange(items);
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                Assert.Equal(ids.Count, ids.Distinct().Count());
                return ids;
            }

            Assert.Equal(limit, items.Count);
            after = page.GetProperty("next").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A ProblemDetails answer: its status and body.</summary>
    protected static async Task<(HttpStatusCode Status, JsonElement Problem)> ProblemAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    private static async Task<JsonElement?> TryGetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone()
            : null;
    }
}
