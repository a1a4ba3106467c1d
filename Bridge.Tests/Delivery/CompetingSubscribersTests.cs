using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Delivery;

public sealed class CompetingSubscribersTests : BridgeTestBase
{
    [Fact]
    public async Task Three_processes_share_a_subscription_and_a_kill_9_of_one_mid_delivery_loses_nothing()
    {
        var server = await SharedRabbitMq.GetAsync();
        var hook = Receiver["shared"];
        hook.Delay = TimeSpan.FromSeconds(1); // 3 processes × 4 slots × 1/s: the 150 events take over 12 s, so the kill lands mid-stream even on a busy machine
        var topology = new TestTopology()
            .Subscription("orders", "shared", Receiver.UrlOf("shared"), maxAttempts: 20, concurrency: 4, lockDuration: "00:00:05")
            .With("Bridge:Transport", "rabbitmq")
            .With("ConnectionStrings:messaging", server.ConnectionString)
            .With("Bridge:RabbitMQ:Prefix", "mp" + Guid.NewGuid().ToString("N")[..8]);

        var bridges = new List<BridgeProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                bridges.Add(await StartBridgeAsync(topology));
            }

            using var client = bridges[0].CreateClient();
            var accepted = new List<string>();
            for (var batch = 0; batch < 15; batch++)
            {
                var events = Enumerable.Range(0, 10).Select(i => new { type = "order.created", data = new { batch, i } });
                using var response = await client.PostAsJsonAsync("/api/topics/orders/events/batch", events);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                accepted.AddRange(body.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!));
            }

            await hook.WaitForAsync(12, Patience);
            await bridges[1].KillAsync();
            Assert.True(hook.Received.Select(r => r.MessageId).Distinct().Count() < accepted.Count, "The kill must happen mid-stream to prove anything.");
            hook.Delay = TimeSpan.Zero;

            await EventuallyAsync(
                () => Task.FromResult(accepted.Except(hook.Received.Select(r => r.MessageId)).Count()),
                missing => missing == 0,
                "every accepted event to reach the receiver");

            Assert.All(hook.Received, r => Assert.Equal(r.MessageId, r.Json.GetProperty("id").GetString()));
            Assert.Equal(accepted.Count, hook.Received.Select(r => r.MessageId).Distinct().Count());
        }
        finally
        {
            foreach (var bridge in bridges)
            {
                await bridge.DisposeAsync();
            }
        }
    }
}
