using System.Net;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Pull;

/// <summary>Pull delivery on the embedded broker, and who may pull what (the same routes on every transport).</summary>
public sealed class EmbeddedPullTests : PullBehaviour
{
    [Fact]
    public async Task Only_the_owner_with_the_topic_s_subscribe_scope_or_an_admin_may_pull_and_bad_requests_are_refused()
    {
        var topology = Topology(lockDuration: "00:00:30", maxDeliveries: 3)
            .Subscription(Topic, "webhook", Receiver.UrlOf("webhook"));
        await using var bridge = await StartBridgeAsync(topology);
        using var admin = bridge.CreateClient();
        using var owner = await OwnerClientAsync(bridge, admin, ["subscribe:orders"]);
        using var ownerOfOtherTopic = await OwnerClientAsync(bridge, admin, ["subscribe:invoices"], "erp-agent-2");
        using var stranger = await OwnerClientAsync(bridge, admin, ["subscribe:orders"], "someone-else");
        using var publisher = await OwnerClientAsync(bridge, admin, ["publish:orders"], "shop");
        using var anonymous = bridge.CreateAnonymousClient();
        var id = await PublishAsync(admin, Topic, new { n = 1 }, "order.created");

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(anonymous, Path("receive"), null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(publisher, Path("receive"), null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(ownerOfOtherTopic, Path("receive"), null)).Status);
        var (hidden, problem) = await PostAsync(stranger, Path("receive"), null);
        Assert.Equal(HttpStatusCode.NotFound, hidden);
        Assert.Equal("urn:bridge:problem:unknown-subscription", ProblemType(problem));

        // A push subscription is not read over HTTP; an unknown one does not exist.
        var (push, pushProblem) = await PostAsync(admin, Path("receive", "webhook"), null);
        Assert.Equal(HttpStatusCode.Conflict, push);
        Assert.Equal("urn:bridge:problem:not-a-pull-subscription", ProblemType(pushProblem));
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, Path("receive", "nothing"), null)).Status);

        // Out-of-range requests are refused with the field named, and take nothing.
        var (invalid, errors) = await PostAsync(owner, Path("receive"), new { maxMessages = 0, waitSeconds = 31 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.True(errors.GetProperty("errors").TryGetProperty("maxMessages", out _));
        Assert.True(errors.GetProperty("errors").TryGetProperty("waitSeconds", out _));

        var item = Assert.Single(await ReceiveAllAsync(owner, 1));
        Assert.Equal(id, EventId(item));
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(owner, Path($"{Token(item)}/dead-letter"), new { reason = "" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(owner, Path($"{Token(item)}/abandon"), new { delaySeconds = -1 })).Status);
        Assert.Equal(HttpStatusCode.Gone, (await PostAsync(owner, Path($"{new string('0', 48)}/complete"), null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(stranger, Path($"{Token(item)}/complete"), null)).Status);

        // The admin may settle what the owner received (both may read the subscription).
        Assert.Equal(HttpStatusCode.NoContent, await SettleAsync(admin, Token(item), "complete"));

        // The subscription is listed as a pull subscription, without webhook fields.
        var listed = (await GetJsonAsync(admin, Route(Topic))).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "agent");
        Assert.Equal("pull", listed.GetProperty("delivery").GetString());
        Assert.False(listed.TryGetProperty("url", out _));
        Assert.Equal(3, listed.GetProperty("maxAttempts").GetInt32());
    }
}
