using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Endpoints;

/// <summary>Pauses are kept in the store: they survive a restart and reach every subscriber process.</summary>
public sealed class EndpointPauseDurabilityTests : BridgeTestBase
{
    private const string Topic = "orders";

    [Fact]
    public async Task A_pause_survives_a_restart_and_holds_envelopes_from_the_first_moment()
    {
        var topology = new TestTopology().Subscription(Topic, "crm", Receiver.UrlOf("crm"));
        string id;
        await using (var first = await StartBridgeAsync(topology))
        {
            using var client = first.CreateClient();
            await PauseAsync(client, "crm", "partner migration");
            id = await PublishAsync(client, Topic, new { orderId = "1" }, "order.created");
            await first.StopAsync();
        }

        // Waiting in the broker at start-up: the pause must be in force before delivery begins.

        await using var second = await StartBridgeAsync(topology);
        using var again = second.CreateClient();
        var endpoint = await EndpointAsync(again, "crm");
        Assert.True(endpoint.GetProperty("paused").GetBoolean());
        Assert.Equal("manual", endpoint.GetProperty("pauseMode").GetString());
        Assert.Equal("partner migration", endpoint.GetProperty("pauseReason").GetString());

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(Receiver["crm"].Received);

        await ResumeAsync(again, "crm");
        Assert.Equal(id, (await Receiver["crm"].WaitForAsync(1, Patience)).Single().MessageId);
    }

    [Fact]
    public async Task A_pause_made_through_one_subscriber_process_holds_in_the_others_and_so_does_the_resume()
    {
        var server = await SharedRabbitMq.GetAsync();
        using var shared = new TestDirectory();
        using var otherData = new TestDirectory();
        var topology = new TestTopology().Subscription(Topic, "erp", Receiver.UrlOf("erp"))
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", server.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "pause" + Guid.NewGuid().ToString("N")[..8])
            .With("ConnectionStrings:bridgedb", $"Data Source={Path.Combine(shared.Path, "bridge.db")}")
            .With("Bridge:Endpoints:SyncInterval", "00:00:00.200");
        await using var a = await StartBridgeAsync(topology);
        await using var b = await BridgeProcess.StartAsync(otherData.Path, topology.Settings);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        await PauseAsync(clientA, "erp", "month-end close");
        await EventuallyAsync(() => EndpointAsync(clientB, "erp"), e => e.GetProperty("paused").GetBoolean(), "the pause to reach the other process");

        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await PublishAsync(i % 2 == 0 ? clientA : clientB, Topic, new { i }, "order.created"));
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Empty(Receiver["erp"].Received);

        await ResumeAsync(clientB, "erp");
        await EventuallyAsync(() => EndpointAsync(clientA, "erp"), e => !e.GetProperty("paused").GetBoolean(), "the resume to reach the first process");
        var received = await Receiver["erp"].WaitForAsync(6, Patience);
        Assert.Equal(ids.Order(StringComparer.Ordinal), received.Select(r => r.MessageId).Distinct().Order(StringComparer.Ordinal));
    }

    private static async Task PauseAsync(HttpClient client, string subscription, string reason)
    {
        using var response = await client.PostAsJsonAsync($"/api/topics/{Topic}/subscriptions/{subscription}/endpoint/pause", new { reason });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task ResumeAsync(HttpClient client, string subscription)
    {
        using var response = await client.PostAsync($"/api/topics/{Topic}/subscriptions/{subscription}/endpoint/resume", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<JsonElement> EndpointAsync(HttpClient client, string subscription) =>
        GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/{subscription}/endpoint");
}
