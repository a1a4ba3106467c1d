using System.Net;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary>
/// Subscriptions made through the API at run time, end to end on a transport: delivery with the returned secret, the
/// filter, deletion (during a delivery too), and the name freed once the broker queue is gone. Each transport runs it
/// through a one-line subclass.
/// </summary>
public abstract class RuntimeSubscriptionBehaviour : BridgeTestBase
{
    private const string Topic = "orders";

    /// <summary>Adds the transport's settings to a topology.</summary>
    protected virtual Task<TestTopology> OnTransportAsync(TestTopology topology) => Task.FromResult(topology);

    [Fact]
    public async Task A_subscription_made_through_the_API_gets_its_events_signed_with_its_secret_until_it_is_deleted()
    {
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology()));
        using var client = bridge.CreateClient();
        var secret = Receiver.Trust(await CreateAsync(client, Topic, new { name = "recipe-1", url = Receiver.UrlOf("rest"), filter = new { types = new[] { "order.created" } }, timeoutSeconds = 2 }));

        var created = await PublishAsync(client, Topic, new { n = 1 }, "order.created");
        var cancelled = await PublishAsync(client, Topic, new { n = 2 }, "order.cancelled");
        var received = await Receiver["rest"].WaitForAsync(1, Patience);
        await Receiver["audit"].WaitForAsync(2, Patience);

        Assert.Equal(created, Assert.Single(received).MessageId);
        Assert.True(SignedWith(received[0], secret), "the delivery is not signed with the secret the API returned");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var (listed, list, listResponse) = await SendAsync(client, HttpMethod.Get, Route(Topic));
        listResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, listed);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["audit", "recipe-1"], items.Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["configuration", "api"], items.Select(i => i.GetProperty("source").GetString()));
        Assert.All(items, i => Assert.False(i.TryGetProperty("secret", out _)));

        var (deleted, _, deleteResponse) = await SendAsync(client, HttpMethod.Delete, Route(Topic, "recipe-1"));
        deleteResponse.Dispose();
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        var (gone, _, goneResponse) = await SendAsync(client, HttpMethod.Get, Route(Topic, "recipe-1"));
        goneResponse.Dispose();
        Assert.Equal(HttpStatusCode.NotFound, gone);

        await PublishAsync(client, Topic, new { n = 3 }, "order.created");
        await Receiver["audit"].WaitForAsync(3, Patience);
        await Task.Delay(1500);
        Assert.Single(Receiver["rest"].Received);
        Assert.DoesNotContain(Receiver["rest"].Received, r => r.MessageId == cancelled);
    }

    [Fact]
    public async Task A_deleted_subscription_keeps_its_name_until_its_queue_is_gone_and_a_new_one_starts_empty()
    {
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology()));
        using var client = bridge.CreateClient();
        Receiver["paused"].DefaultStatus = 503; // nothing gets through: envelopes wait in the subscription's queue
        Receiver.Trust(await CreateAsync(client, Topic, new { name = "reused", url = Receiver.UrlOf("paused"), timeoutSeconds = 1, maxAttempts = 100 }));
        await PublishAsync(client, Topic, new { n = 1 }, "order.created");
        await Receiver["paused"].WaitForAsync(1, Patience);

        using (var deleted = await client.DeleteAsync(Route(Topic, "reused")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var (status, problem, response) = await SendAsync(client, HttpMethod.Post, Route(Topic), new { name = "reused", url = Receiver.UrlOf("fresh") });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("urn:bridge:problem:subscription-being-deleted", ProblemType(problem));
        Assert.NotNull(response.Headers.RetryAfter);
        response.Dispose();

        // Once drained (timeout 1 s + two sync intervals), the queue is removed with what it held, and the name is free.
        await EventuallyAsync(
            async () =>
            {
                var (created, body, answer) = await SendAsync(client, HttpMethod.Post, Route(Topic), new { name = "reused", url = Receiver.UrlOf("fresh") });
                answer.Dispose();
                if (created == HttpStatusCode.Created)
                {
                    Receiver.Trust(body.GetProperty("secret").GetString()!); // the new subscription signs with its own secret
                }
                return created;
            },
            s => s == HttpStatusCode.Created, "the name to be free again");
        var next = await PublishAsync(client, Topic, new { n = 2 }, "order.created");
        var fresh = await Receiver["fresh"].WaitForAsync(1, Patience);
        await Task.Delay(1000);
        Assert.Equal(next, Assert.Single(Receiver["fresh"].Received).MessageId);
        Assert.Equal(fresh[0].MessageId, next);
    }

    [Fact]
    public async Task Deleting_during_a_delivery_lets_the_call_finish_and_nothing_more_is_delivered()
    {
        await using var bridge = await StartBridgeAsync(await OnTransportAsync(Topology()));
        using var client = bridge.CreateClient();
        Receiver["slow"].Delay = TimeSpan.FromSeconds(2);
        Receiver.Trust(await CreateAsync(client, Topic, new { name = "slow", url = Receiver.UrlOf("slow"), concurrency = 1, timeoutSeconds = 10 }));
        var first = await PublishAsync(client, Topic, new { n = 1 }, "order.created");
        await PublishAsync(client, Topic, new { n = 2 }, "order.created");
        await PublishAsync(client, Topic, new { n = 3 }, "order.created");
        await Receiver["slow"].WaitForAsync(1, Patience);

        using (var deleted = await client.DeleteAsync(Route(Topic, "slow")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // The call in flight ends normally (delivered, recorded), and no other envelope is called.
        var attempts = await EventuallyAsync(() => AttemptsAsync(client, first), a => a.GetArrayLength() > 0, "the attempt of the call in flight");
        Assert.Equal("Delivered", attempts[0].GetProperty("outcome").GetString());
        await Task.Delay(3000);
        Assert.Equal(first, Assert.Single(Receiver["slow"].Received).MessageId);
    }

    private TestTopology Topology() => new TestTopology()
        .Topic(Topic)
        .Subscription(Topic, "audit", Receiver.UrlOf("audit"))
        .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200")
        .With("Bridge:Subscriptions:DrainTime", "00:00:00")
        .With("Bridge:Subscriptions:Defaults:Webhook:RetryBaseDelay", "00:00:00.200")
        .With("Bridge:Subscriptions:Defaults:Webhook:MaxRetryDelay", "00:00:01");
}

/// <summary>Runtime subscriptions on the embedded broker.</summary>
public sealed class EmbeddedRuntimeSubscriptionTests : RuntimeSubscriptionBehaviour;
