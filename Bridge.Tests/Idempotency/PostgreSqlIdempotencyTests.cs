using System.Net;
using Bridge.Tests.Store;
using Npgsql;

namespace Bridge.Tests.Idempotency;

public sealed class PostgreSqlIdempotencyTests : IdempotencyTestBase
{
    private const string Path = "/api/topics/orders/events";

    [Fact]
    public async Task On_PostgreSQL_concurrent_duplicates_publish_once_a_retry_is_replayed_and_a_reused_key_gets_422()
    {
        var connectionString = await SharedPostgreSql.CreateDatabaseAsync();
        await using var bridge = await StartBridgeAsync(Topology(("Bridge:Store:Provider", "postgresql"), ("ConnectionStrings:bridgedb", connectionString)));
        using var client = bridge.CreateClient();

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, 20).Select(async _ =>
        {
            await go.Task;
            return await SendAsync(client, Path, """{ "orderId": "pg-1" }""", "pg-key");
        }).ToList();
        go.SetResult();
        var answers = await Task.WhenAll(racers);

        Assert.All(answers, a => a.AssertAccepted());
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Single(answers, a => !a.Replayed);
        await Receiver["sink"].WaitForAsync(1, Patience);
        var retry = await SendAsync(client, Path, """{ "orderId": "pg-1" }""", "pg-key");
        var reused = await SendAsync(client, Path, """{ "orderId": "pg-2" }""", "pg-key");

        Assert.True(retry.Replayed);
        Assert.Equal(answers[0].Body, retry.Body);
        reused.AssertProblem(HttpStatusCode.UnprocessableEntity, "urn:bridge:problem:idempotency-key-reused");
        await EventuallyAsync(() => Task.FromResult(QueuedMessages()), n => n == 0, "the broker to hold no message");
        Assert.Equal([answers[0].MessageId], Delivered());
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "State" || ':' || "StatusCode" FROM idempotency_keys WHERE "Key" = 'pg-key'""", connection);
        Assert.Equal("Completed:202", await command.ExecuteScalarAsync());
    }
}
