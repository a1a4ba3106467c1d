using System.Net;
using Microsoft.Data.Sqlite;

namespace Bridge.Tests.Idempotency;

public sealed class StoreUnavailableTests : IdempotencyTestBase
{
    [Fact]
    public async Task A_key_that_cannot_be_claimed_gets_503_and_nothing_is_published_then_the_retry_succeeds()
    {
        var database = Path.Combine(Data.Path, "bridge.db");
        var topology = Topology(("ConnectionStrings:bridgedb", $"Data Source={database};Default Timeout=1"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        Answer refused;
        await using (var blocker = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            // Another writer holds the store's write lock for longer than the bridge waits for it.
            await blocker.OpenAsync();
            await using var lockStore = blocker.CreateCommand();
            lockStore.CommandText = "BEGIN EXCLUSIVE";
            await lockStore.ExecuteNonQueryAsync();
            refused = await SendAsync(client, "/api/topics/orders/events", """{ "orderId": "1" }""", "while-down",
                headers: new Dictionary<string, string> { ["X-Correlation-Id"] = "corr-store-down" });
        }

        refused.AssertProblem(HttpStatusCode.ServiceUnavailable, "urn:bridge:problem:idempotency-store-unavailable");
        Assert.Contains("corr-store-down", refused.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, QueuedMessages());
        Assert.Empty(Receiver["sink"].Received);
        Assert.Equal(0, KeysStored());
        await bridge.WaitForOutputAsync("Could not claim idempotency key .*while-down.*corr-store-down", Patience);

        var retry = await SendAsync(client, "/api/topics/orders/events", """{ "orderId": "1" }""", "while-down");
        retry.AssertAccepted();
        Assert.False(retry.Replayed);
        await Receiver["sink"].WaitForAsync(1, Patience);
    }
}
