using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.EndToEnd;

/// <summary>
/// Per-key order end to end: through retries, around a failing key, and through a replay of dead letters. Each transport
/// runs it through a one-line subclass that points the bridge at it.
/// </summary>
public abstract class OrderingBehaviour : BridgeTestBase
{
    private const string Topic = "orders";

    /// <summary>Adds the transport's settings to a topology.</summary>
    protected virtual Task<TestTopology> OnTransportAsync(TestTopology topology) => Task.FromResult(topology);

    [Fact]
    public async Task A_failing_envelope_blocks_only_its_own_key_and_order_holds_through_its_retries()
    {
        var hook = Receiver["erp"];
        string? stuck = null;
        var a = new List<string>();
        var b = new List<string>();

        // The stuck envelope fails at least once, and then for as long as customer-b is not through (at most 18 times, some
        // 15 s of retries, within its 20 attempts): if customer-b had to wait for it, customer-b would finish only after it
        // succeeded. A slow machine only makes it fail longer.
        bool BIsThrough() => b.Count == 5 && b.All(id => hook.Received.Any(r => r.MessageId == id));
        hook.Decide = (request, earlier) => request.MessageId == stuck && (earlier == 0 || (earlier < 18 && !BIsThrough())) ? 503 : null;
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology("erp")));
        using var client = bridge.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            var id = NewId();
            if (i == 1)
            {
                stuck = id;
            }
            a.Add(await PublishWithIdAsync(client, id, "customer-a", i));
            b.Add(await PublishWithIdAsync(client, NewId(), "customer-b", i));
        }

        var received = await WaitForAllAsync(hook, [.. a, .. b]);
        Assert.Equal(a, CallOrder(received, a));
        Assert.Equal(b, CallOrder(received, b));
        Assert.InRange(received.Count(r => r.MessageId == stuck), 2, 19);

        // The stuck envelope held back only its own key: customer-b was done before it finally went through.
        var stuckDelivered = received.Last(r => r.MessageId == stuck).At;
        var lastOfB = received.Where(r => b.Contains(r.MessageId)).Max(r => r.At);
        Assert.True(lastOfB < stuckDelivered, "customer-b waited for customer-a's failing envelope: "
            + string.Join(", ", received.Select(r => $"{(a.Contains(r.MessageId) ? "a" + a.IndexOf(r.MessageId) : "b" + b.IndexOf(r.MessageId))}@{r.At:ss.fff}")));
        Assert.True(received.Where(r => a.Skip(2).Contains(r.MessageId)).All(r => r.At > stuckDelivered), "an envelope overtook the failing one of its key");
    }

    [Fact]
    public async Task A_batch_of_interleaved_keys_is_delivered_in_order_per_key()
    {
        var hook = Receiver["batch"];
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology("batch")));
        using var client = bridge.CreateClient();
        var events = Enumerable.Range(0, 60).Select(i => new { type = "order.updated", orderingKey = $"customer-{i % 4}", data = new { i } }).ToList();

        using var response = await client.PostAsJsonAsync($"/api/topics/{Topic}/events/batch", events);
        response.EnsureSuccessStatusCode();
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!).ToList();

        var received = await WaitForAllAsync(hook, ids);
        for (var key = 0; key < 4; key++)
        {
            var ofKey = ids.Where((_, i) => i % 4 == key).ToList();
            Assert.Equal(ofKey, CallOrder(received, ofKey));
        }
    }

    [Fact]
    public async Task Replaying_the_dead_letters_of_a_key_delivers_them_in_their_original_order()
    {
        var hook = Receiver["crm"];
        var rejecting = true;
        hook.Decide = (request, _) => rejecting && request.Json.GetProperty("partitionkey").GetString() == "customer-a" ? 422 : null;
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology("crm")));
        using var client = bridge.CreateClient();

        var a = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            a.Add(await PublishWithIdAsync(client, NewId(), "customer-a", i));
        }
        var other = await PublishWithIdAsync(client, NewId(), "customer-b", 0);

        await EventuallyAsync(() => DeadLettersAsync(client, Topic, "crm"), p => p.GetProperty("items").GetArrayLength() == 4, "four dead letters");
        await hook.WaitForAsync(5, Patience);
        rejecting = false;
        var before = hook.Received.Count;

        using (var replay = await client.PostAsync($"/api/topics/{Topic}/subscriptions/crm/dead-letters/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        var received = await WaitForAllAsync(hook, a, skip: before);
        Assert.Equal(a, CallOrder(received.Skip(before).ToList(), a));
        Assert.Single(hook.Received, r => r.MessageId == other);
        Assert.Equal(0, (await DeadLettersAsync(client, Topic, "crm")).GetProperty("items").GetArrayLength());
    }

    private TestTopology Topology(string name) =>
        new TestTopology().Subscription(Topic, name, Receiver.UrlOf(name), maxAttempts: 20, concurrency: 4)
            .With($"Bridge:Topics:{Topic}:Subscriptions:{name}:Webhook:CircuitBreaker:MinimumThroughput", "1000")
            .With($"Bridge:Topics:{Topic}:Subscriptions:{name}:Webhook:PauseAfterConsecutiveFailures", "0");

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static Task<string> PublishWithIdAsync(HttpClient client, string id, string key, int i) =>
        PublishAsync(client, Topic, new { key, i }, "order.updated", new Dictionary<string, string> { ["ce-id"] = id, ["ce-partitionkey"] = key });

    private static async Task<IReadOnlyList<ReceivedRequest>> WaitForAllAsync(WebhookReceiver.Hook hook, IReadOnlyCollection<string> ids, int skip = 0)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var received = hook.Received;
            var answered = received.Skip(skip).Select(r => r.MessageId).ToHashSet(StringComparer.Ordinal);
            if (ids.All(answered.Contains))
            {
                // Let a call in flight for the last envelope finish before reading the order.
                await Task.Delay(300);
                return hook.Received;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Only {answered.Count(ids.Contains)} of {ids.Count} envelopes arrived within {Patience}.");
            await Task.Delay(100);
        }
    }

    /// <summary>The order in which <paramref name="ids"/> were first called, repeats (retries) collapsed.</summary>
    private static List<string> CallOrder(IReadOnlyList<ReceivedRequest> received, IReadOnlyCollection<string> ids)
    {
        var sequence = new List<string>();
        foreach (var id in received.Select(r => r.MessageId).Where(ids.Contains))
        {
            if (sequence.Count == 0 || sequence[^1] != id)
            {
                sequence.Add(id);
            }
        }
        return sequence;
    }
}

/// <summary>Per-key order on the embedded broker.</summary>
public sealed class EmbeddedOrderingTests : OrderingBehaviour;
