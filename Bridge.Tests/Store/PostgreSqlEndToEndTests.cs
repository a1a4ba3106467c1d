using Bridge.Store.Migrations;
using Bridge.Store.Providers;
using Bridge.Tests.Support;
using Npgsql;

namespace Bridge.Tests.Store;

public sealed class PostgreSqlEndToEndTests : BridgeTestBase
{
    [Fact]
    public async Task The_bridge_on_PostgreSQL_migrates_its_store_delivers_an_event_and_lists_its_attempt()
    {
        var connectionString = await SharedPostgreSql.CreateDatabaseAsync();
        var topology = new TestTopology()
            .Subscription("orders", "erp", Receiver.UrlOf("erp"))
            .With("Bridge:Store:Provider", "postgresql")
            .With("ConnectionStrings:bridgedb", connectionString);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var messageId = await PublishAsync(client, "orders", new { orderId = "12345" }, "order.created");

        Assert.Equal(messageId, (await Receiver["erp"].WaitForAsync(1, Patience)).Single().MessageId);
        var attempts = await EventuallyAsync(() => AttemptsAsync(client, messageId), a => a.GetArrayLength() == 1, "the attempt record");
        Assert.Equal("Delivered", attempts[0].GetProperty("outcome").GetString());
        Assert.Equal(200, attempts[0].GetProperty("statusCode").GetInt32());

        // The attempt is in PostgreSQL, whose schema the bridge migrated at start-up.
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT count(*) FROM delivery_attempts WHERE "MessageId" = @id""", connection);
        command.Parameters.AddWithValue("id", messageId);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        command.CommandText = "SELECT string_agg(version::text, ',' ORDER BY version) FROM bridge_schema_migrations";
        Assert.Equal(string.Join(',', MigrationScripts.Load(StoreProviders.Resolve("postgresql")).Select(s => s.Version)), await command.ExecuteScalarAsync());
        Assert.False(File.Exists(Path.Combine(Data.Path, "bridge.db")), "The store must not fall back to SQLite.");
    }
}
