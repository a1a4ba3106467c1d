using System.Text.Json;
using Bridge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Bridge.Tests.Security;

/// <summary>
/// Defence in depth behind ingest: envelopes no endpoint could take (an id that cannot be a header) put straight into
/// the broker are dead-lettered at once as <c>EnvelopeUndeliverable</c>, while a healthy endpoint keeps receiving the
/// clean events behind them — its circuit stays closed and it is never paused.
/// </summary>
public sealed class PoisonEnvelopeTests
{
    [Fact]
    public async Task Poison_envelopes_are_dead_lettered_at_once_and_a_healthy_endpoint_keeps_delivering()
    {
        using var data = new TestDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var topology = new TestTopology().Subscription("erp-events", "sink", receiver.UrlOf("sink"), concurrency: 4);
        await using var bridge = await BridgeProcess.StartAsync(data.Path, topology.Settings);
        using var client = bridge.CreateClient();

        const int Poison = 40;
        InjectIntoBroker(data.Path, "erp-events/sink", Enumerable.Range(0, Poison).Select(i => new Envelope
        {
            Id = $"caf\u00e9-{i}",
            Source = "/poison",
            Type = "order.created",
            Time = DateTimeOffset.UtcNow,
            Data = """{ "poison": true }"""u8.ToArray(),
            CorrelationId = i % 2 == 0 ? "corr-ok" : $"corr-\u00fc-{i}",
        }));
        var clean = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync("/api/topics/erp-events/events", new StringContent($$"""{ "orderId": "clean-{{i}}" }""", Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            clean.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("messageId").GetString()!);
        }

        var started = DateTime.UtcNow;
        var delivered = await receiver["sink"].WaitForAsync(clean.Count, TimeSpan.FromSeconds(15));
        var took = DateTime.UtcNow - started;

        Assert.Equal(clean.Order(), delivered.Select(r => r.MessageId).Order());
        Assert.True(took < TimeSpan.FromSeconds(10), $"clean events waited {took.TotalSeconds:0.0} s behind the poison ones");
        await EventuallyAsync(() => DeadLetters(data.Path) >= Poison, "every poison envelope dead-lettered");
        Assert.Equal(Poison, DeadLetters(data.Path, "EnvelopeUndeliverable"));
        var endpoint = JsonDocument.Parse(await client.GetStringAsync("/api/topics/erp-events/subscriptions/sink/endpoint")).RootElement;
        Assert.False(endpoint.GetProperty("paused").GetBoolean(), endpoint.ToString());
        Assert.Equal(0, endpoint.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal("closed", endpoint.GetProperty("circuit").GetString(), ignoreCase: true);
    }

    private static void InjectIntoBroker(string dataDirectory, string queue, IEnumerable<Envelope> envelopes)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "broker.db")};Pooling=False;Default Timeout=30");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var envelope in envelopes)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO messages (queue, message_id, body, enqueued_at, visible_at) VALUES ($queue, $id, $body, $now, $now)";
            command.Parameters.AddWithValue("$queue", queue);
            command.Parameters.AddWithValue("$id", envelope.Id);
            command.Parameters.AddWithValue("$body", EnvelopeSerializer.Serialize(envelope));
            command.Parameters.AddWithValue("$now", now);
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static long DeadLetters(string dataDirectory, string? reason = null)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "broker.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = reason is null ? "SELECT COUNT(*) FROM dead_letters" : "SELECT COUNT(*) FROM dead_letters WHERE reason = $reason";
        command.Parameters.AddWithValue("$reason", reason ?? "");
        return (long)command.ExecuteScalar()!;
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
