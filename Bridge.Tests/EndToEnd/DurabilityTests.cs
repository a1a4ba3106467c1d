using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.EndToEnd;

public sealed class DurabilityTests : BridgeTestBase
{
    [Fact]
    public async Task Every_accepted_event_is_delivered_after_the_host_is_killed_mid_stream_and_restarted_on_the_same_files()
    {
        var hook = Receiver["sink"];
        hook.Delay = TimeSpan.FromMilliseconds(200); // at most 8 × 5 deliveries/s: publishing runs well ahead of delivery
        var topology = new TestTopology().Subscription("orders", "sink", Receiver.UrlOf("sink"), maxAttempts: 20, concurrency: 8, lockDuration: "00:00:02");
        var accepted = new ConcurrentBag<string>();

        var bridge = await StartBridgeAsync(topology);
        try
        {
            using var client = bridge.CreateClient();
            using var stop = new CancellationTokenSource();
            var publishers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested && i < 500; i++)
                {
                    try
                    {
                        using var response = await client.PostAsJsonAsync("/api/topics/orders/events", new { worker, i });
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                            accepted.Add(body.GetProperty("messageId").GetString()!);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the host is gone: an unanswered request was never accepted
                    }
                }
            })).ToArray();

            await EventuallyAsync(() => Task.FromResult(accepted.Count), n => n >= 150, "150 accepted events");
            await EventuallyAsync(() => Task.FromResult(hook.Received.Count), n => n >= 20, "deliveries under way");
            await bridge.KillAsync();
            hook.Delay = TimeSpan.Zero;
            await stop.CancelAsync();
            await Task.WhenAll(publishers);
        }
        finally
        {
            await bridge.DisposeAsync();
        }

        var delivered = hook.Received.Select(r => r.MessageId).ToHashSet();
        Assert.True(delivered.Count < accepted.Count, "The kill must interrupt the stream for this test to prove anything.");

        await using var restarted = await StartBridgeAsync(topology);
        var expected = accepted.ToHashSet();
        await EventuallyAsync(
            () => Task.FromResult(expected.Except(hook.Received.Select(r => r.MessageId)).Count()),
            missing => missing == 0,
            "every accepted event to be delivered");
        Assert.Empty(expected.Except(hook.Received.Select(r => r.MessageId)));
    }
}
