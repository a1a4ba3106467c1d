using System.Diagnostics;
using System.Net;
using Bridge.Tests.Support;

namespace Bridge.Tests.Pull;

/// <summary>
/// Pull delivery end to end on a transport: a client with the owner's subscribe key receives envelopes under a lock
/// and completes, abandons or dead-letters them; an expired lock returns the envelope; two clients never hold the same
/// one; a long poll wakes when an envelope arrives. Each transport runs it through a one-line subclass.
/// </summary>
public abstract class PullBehaviour : PullTestBase
{
    /// <summary>Adds the transport's settings to a topology.</summary>
    protected virtual Task<TestTopology> OnTransportAsync(TestTopology topology) => Task.FromResult(topology);

    [Fact]
    public async Task A_client_completes_abandons_and_dead_letters_what_it_receives_and_an_envelope_abandoned_too_often_is_dead_lettered()
    {
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology(lockDuration: "00:00:30", maxDeliveries: 2)));
        using var admin = bridge.CreateClient();
        using var agent = await OwnerClientAsync(bridge, admin, ["subscribe:orders"]);
        var first = await PublishAsync(admin, Topic, new { n = 1 }, "order.created");
        var second = await PublishAsync(admin, Topic, new { n = 2 }, "order.created");
        var third = await PublishAsync(admin, Topic, new { n = 3 }, "order.created");

        var received = await ReceiveAllAsync(agent, 3);
        Assert.Equal(new[] { first, second, third }.Order(StringComparer.Ordinal), received.Select(EventId).Order(StringComparer.Ordinal));
        Assert.All(received, item =>
        {
            Assert.Equal(1, item.GetProperty("deliveryCount").GetInt32());
            Assert.Equal(2, item.GetProperty("maxDeliveries").GetInt32());
            Assert.Equal("1.0", item.GetProperty("event").GetProperty("specversion").GetString());
            Assert.Equal("order.created", item.GetProperty("event").GetProperty("type").GetString());
            Assert.True(item.GetProperty("lockedUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(20));
        });
        var byId = received.ToDictionary(EventId, Token);

        // Complete: gone from the subscription; a second settlement of the same lock is 410.
        Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(agent, byId[first], "complete"));
        Assert.Equal(HttpStatusCode.Gone, await SettleAsync(agent, byId[first], "complete"));

        // Dead-letter with a reason: in the subscription's dead letters with it.
        Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(agent, byId[third], "dead-letter", new { reason = "InvalidOrder", description = "customer 4711 unknown" }));

        // Abandon: received again with the delivery count grown; abandoned at the maximum, it is dead-lettered.
        Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(agent, byId[second], "abandon", new { delaySeconds = 0, reason = "ERP closed" }));
        var again = Assert.Single(await ReceiveAllAsync(agent, 1));
        Assert.Equal(second, EventId(again));
        Assert.Equal(2, again.GetProperty("deliveryCount").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(agent, Token(again), "abandon"));

        var deadLetters = await EventuallyAsync(
            () => DeadLettersAsync(admin, Topic, "agent"),
            d => d.GetProperty("items").GetArrayLength() == 2,
            "the dead letters of the client's and of the broker's decision");
        var reasons = deadLetters.GetProperty("items").EnumerateArray()
            .ToDictionary(d => d.GetProperty("messageId").GetString()!, d => d.GetProperty("reason").GetString());
        Assert.Equal("InvalidOrder", reasons[third]);
        Assert.Equal("MaxDeliveryCountExceeded", reasons[second]);

        // Every settlement is an attempt in the audit trail.
        var attempts = await EventuallyAsync(() => AttemptsAsync(admin, first), a => a.GetArrayLength() > 0, "the completed envelope's attempt");
        Assert.Equal("Delivered", Assert.Single(attempts.EnumerateArray()).GetProperty("outcome").GetString(), ignoreCase: true);
        Assert.Empty(await ReceiveAsync(agent, 10, 0));
    }

    [Fact]
    public async Task An_expired_lock_returns_the_envelope_and_a_long_poll_wakes_when_one_arrives()
    {
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology(lockDuration: "00:00:02", maxDeliveries: 5)));
        using var admin = bridge.CreateClient();
        using var agent = await OwnerClientAsync(bridge, admin, ["subscribe:orders"]);

        // A long poll on the empty subscription answers when an envelope arrives, not at the end of its wait.
        var clock = Stopwatch.StartNew();
        var polling = ReceiveAsync(agent, 10, 25);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(polling.IsCompleted, "the long poll answered before anything was published");
        var id = await PublishAsync(admin, Topic, new { n = 1 }, "order.created");
        var woke = Assert.Single(await polling);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the long poll took {clock.Elapsed} to see the envelope");
        Assert.Equal(id, EventId(woke));

        // Not settled within the lock: received again, and the old lock settles nothing.
        var back = Assert.Single(await ReceiveAllAsync(agent, 1, TimeSpan.FromSeconds(20)));
        Assert.Equal(id, EventId(back));
        Assert.Equal(2, back.GetProperty("deliveryCount").GetInt32());
        Assert.Equal(HttpStatusCode.Gone, await SettleAsync(agent, Token(woke), "complete"));

        // A renewal keeps the lock beyond its first expiry.
        var (renewed, renewal) = await PostAsync(agent, Path($"{Token(back)}/renew"), null);
        Assert.Equal(HttpStatusCode.OK, renewed);
        Assert.True(renewal.GetProperty("lockedUntil").GetDateTimeOffset() > back.GetProperty("lockedUntil").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(agent, Token(back), "complete"));
    }

    [Fact]
    public async Task Two_clients_pulling_at_once_never_hold_the_same_envelope()
    {
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology(lockDuration: "00:01:00", maxDeliveries: 5)));
        using var admin = bridge.CreateClient();
        var published = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            published.Add(await PublishAsync(admin, Topic, new { n = i }, "order.created"));
        }

        using var one = await OwnerClientAsync(bridge, admin, ["subscribe:orders"]);
        using var two = bridge.CreateAnonymousClient();
        two.DefaultRequestHeaders.Authorization = one.DefaultRequestHeaders.Authorization;
        var taken = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task PullAsync(HttpClient client)
        {
            var deadline = DateTimeOffset.UtcNow + Patience;
            while (taken.Count < published.Count && DateTimeOffset.UtcNow < deadline)
            {
                foreach (var item in await ReceiveAsync(client, 4, 1))
                {
                    taken.Add(EventId(item));
                    await Task.Delay(20); // hold it a moment, so the other client's receive overlaps
                    Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(client, Token(item), "complete"));
                }
            }
        }

        await Task.WhenAll(PullAsync(one), PullAsync(two));
        Assert.Equal(published.Order(StringComparer.Ordinal), taken.Order(StringComparer.Ordinal));
    }

    protected static TestTopology Topology(string lockDuration, int maxDeliveries)
    {
        const string key = $"Bridge:Topics:{Topic}:Subscriptions:agent";
        return new TestTopology().Topic(Topic)
            .With($"{key}:Delivery", "pull")
            .With($"{key}:Pull:Owner", Owner)
            .With($"{key}:Pull:MaxDeliveries", maxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With($"{key}:LockDuration", lockDuration);
    }
}
