using System.Net.Http.Json;
using System.Text.Json;

namespace Bridge.Tests.Support;

/// <summary>Per-test scaffolding: a temp data directory, a webhook receiver and helpers to drive a bridge process.</summary>
public abstract class BridgeTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected TestDirectory Data { get; } = new();

    protected WebhookReceiver Receiver { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Receiver = await WebhookReceiver.StartAsync();

    /// <summary>Fails the test when the official libraries rejected any delivery it received.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            Receiver.AssertEveryDeliveryVerified();
        }
        finally
        {
            await Receiver.DisposeAsync();
            Data.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    protected Task<BridgeProcess> StartBridgeAsync(TestTopology topology) => BridgeProcess.StartAsync(Data.Path, topology.Settings);

    protected static async Task<string> PublishAsync(HttpClient client, string topic, object data, string? type = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{topic}/events") { Content = JsonContent.Create(data) };
        if (type is not null)
        {
            request.Headers.Add("ce-type", type);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"Publish answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetString()!;
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value satisfying <paramref name="done"/>.</summary>
    protected static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {Describe(last)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The value as JSON where it serialises, else its text (a timeout's message must never fail itself).</summary>
    private static string Describe<T>(T value)
    {
        try
        {
            return JsonSerializer.Serialize(value);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            return value is System.Collections.IEnumerable items and not string
                ? $"[{string.Join(", ", items.Cast<object?>().Select(i => i?.ToString()))}]"
                : value?.ToString() ?? "null";
        }
    }

    protected static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Reads one value from a database file of the bridge (read-only, while it runs).</summary>
    protected object? QueryFile(string file, string sql) => QueryFile(Data.Path, file, sql);

    /// <summary>Reads one value from a database file of a bridge whose data is in <paramref name="dataDirectory"/> (read-only, while it runs).</summary>
    protected static object? QueryFile(string dataDirectory, string file, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDirectory, file)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Row counts of every table of the bridge's files; compare with <see cref="StoreSnapshot.AssertUnchanged"/>.</summary>
    protected StoreSnapshot SnapshotStore() => StoreSnapshot.Take(Data.Path);

    /// <summary>A snapshot once earlier background writes (audit, broker) have settled: the "before" of a refusal.</summary>
    protected async Task<StoreSnapshot> SettledStoreAsync() => (await StoreSnapshot.SettledAsync(Data.Path, () => 0, TimeSpan.FromSeconds(20))).Store;

    /// <summary>Waits for background writers (audit, endpoint state) to settle, then asserts nothing was stored since <paramref name="before"/>.</summary>
    protected async Task AssertStoreUnchangedAsync(StoreSnapshot before, string what)
    {
        ArgumentNullException.ThrowIfNull(before);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        before.AssertUnchanged(SnapshotStore(), what);
    }

    protected static Task<JsonElement> AttemptsAsync(HttpClient client, string messageId) => GetJsonAsync(client, $"/api/messages/{messageId}/attempts");

    protected static Task<JsonElement> DeadLettersAsync(HttpClient client, string topic, string subscription) =>
        GetJsonAsync(client, $"/api/topics/{topic}/subscriptions/{subscription}/dead-letters");
}
