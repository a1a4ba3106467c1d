using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Bridge.Tests.Idempotency;

/// <summary>Publishing with an Idempotency-Key against the real standalone bridge, and reading what it stored.</summary>
public abstract class IdempotencyTestBase : BridgeTestBase
{
    protected const string KeyHeader = "Idempotency-Key";
    protected const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>A topology with <c>orders</c> delivering to the hook <c>sink</c>, and any extra settings.</summary>
    protected TestTopology Topology(params (string Key, string Value)[] settings)
    {
        var topology = new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink"));
        foreach (var (key, value) in settings)
        {
            topology.With(key, value);
        }
        return topology;
    }

    /// <summary>POSTs <paramref name="body"/> with <paramref name="key"/> (when given) and returns the answer.</summary>
    protected static async Task<Answer> SendAsync(
        HttpClient client, string path, string body, string? key, string contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(KeyHeader, key);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        using var response = await client.SendAsync(request);
        return new Answer(
            response.StatusCode,
            await response.Content.ReadAsStringAsync(),
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Waits until <paramref name="count"/> envelopes reached the sink, their attempts are recorded and the broker holds none.</summary>
    protected async Task SettleAsync(HttpClient client, IReadOnlyCollection<string> messageIds, int count)
    {
        await Receiver["sink"].WaitForAsync(count, Patience);
        foreach (var id in messageIds)
        {
            await EventuallyAsync(() => AttemptsAsync(client, id), a => a.GetArrayLength() >= 1, $"the attempt of {id}");
        }
        await EventuallyAsync(() => Task.FromResult(QueuedMessages()), n => n == 0, "the broker to hold no message");
    }

    /// <summary>Envelopes the broker holds now.</summary>
    protected long QueuedMessages() => (long)(QueryFile("broker.db", "SELECT COUNT(*) FROM messages") ?? 0L);

    /// <summary>Events the store recorded as accepted (written in the background: poll).</summary>
    protected long EventsStored() => (long)(QueryFile("bridge.db", "SELECT COUNT(*) FROM events") ?? 0L);

    /// <summary>Waits for the audit to record <paramref name="count"/> accepted events, then checks no more come.</summary>
    protected async Task AssertEventsStoredAsync(long count)
    {
        await EventuallyAsync(() => Task.FromResult(EventsStored()), n => n >= count, $"{count} accepted event(s) to be recorded");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(count, EventsStored());
    }

    /// <summary>Idempotency keys the store holds.</summary>
    protected long KeysStored() => (long)(QueryFile("bridge.db", "SELECT COUNT(*) FROM idempotency_keys") ?? 0L);

    /// <summary>Runs a write against the bridge's store while it runs (as another process would).</summary>
    protected int ExecuteOnStore(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Data.Path, "bridge.db")};Pooling=False;Default Timeout=30");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Delivered message ids at the sink.</summary>
    protected IReadOnlyList<string> Delivered() => [.. Receiver["sink"].Received.Select(r => r.MessageId)];

    /// <summary>An HTTP answer: status, body text, headers (response and content).</summary>
    protected sealed record Answer(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

        public bool Replayed => Header(ReplayedHeader) == "true";

        public string MessageId => Json.GetProperty("messageId").GetString()!;

        public void AssertAccepted()
        {
            Assert.True(Status == HttpStatusCode.Accepted, $"Expected 202, got {(int)Status}: {Body}");
        }

        public void AssertProblem(HttpStatusCode status, string type)
        {
            Assert.True(Status == status, $"Expected {(int)status}, got {(int)Status}: {Body}");
            Assert.Equal("application/problem+json", Header("Content-Type")?.Split(';')[0]);
            Assert.Equal(type, Json.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(Json.GetProperty("detail").GetString()), "the problem must explain itself");
        }
    }
}
