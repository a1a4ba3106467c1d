using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.SecurityClient;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Pull;

/// <summary>Calls of the pull routes (receive and settle) by keys of an owner identity, for the pull tests.</summary>
public abstract class PullTestBase : BridgeTestBase
{
    protected const string Topic = "orders";
    protected const string Owner = "erp-agent";

    /// <summary>A client with a key of <see cref="Owner"/> holding <paramref name="scopes"/>.</summary>
    protected static async Task<HttpClient> OwnerClientAsync(BridgeProcess bridge, HttpClient admin, string[] scopes, string identity = Owner)
    {
        await CreatePublisherAsync(admin, identity, scopes);
        var (_, key) = await IssueKeyAsync(admin, identity);
        var client = bridge.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected static string Path(string tail, string subscription = "agent") => $"/api/topics/{Topic}/subscriptions/{subscription}/messages/{tail}";

    protected static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, object? body)
    {
        var (status, json, response) = await SendAsync(client, HttpMethod.Post, path, body ?? new { });
        response.Dispose();
        return (status, json);
    }

    protected static async Task<List<JsonElement>> ReceiveAsync(HttpClient client, int max, double waitSeconds, string subscription = "agent")
    {
        var (status, body) = await PostAsync(client, Path("receive", subscription), new { maxMessages = max, waitSeconds });
        Assert.True(status == HttpStatusCode.OK, $"receive answered {(int)status}: {body}");
        return [.. body.GetProperty("items").EnumerateArray()];
    }

    /// <summary>Receives until <paramref name="count"/> envelopes came (a receive may return fewer than asked for).</summary>
    protected static async Task<List<JsonElement>> ReceiveAllAsync(HttpClient client, int count, TimeSpan? within = null, string subscription = "agent")
    {
        var items = new List<JsonElement>();
        var deadline = DateTimeOffset.UtcNow + (within ?? Patience);
        while (items.Count < count && DateTimeOffset.UtcNow < deadline)
        {
            items.AddRange(await ReceiveAsync(client, count - items.Count, 2, subscription));
        }
        Assert.True(items.Count == count, $"received {items.Count} of {count} envelopes");
        return items;
    }

    protected static async Task<HttpStatusCode> SettleAsync(HttpClient client, string token, string action, object? body = null, string subscription = "agent") =>
        (await PostAsync(client, Path($"{token}/{action}", subscription), body)).Status;

    protected static string EventId(JsonElement item) => item.GetProperty("event").GetProperty("id").GetString()!;

    protected static string Token(JsonElement item) => item.GetProperty("lockToken").GetString()!;
}
