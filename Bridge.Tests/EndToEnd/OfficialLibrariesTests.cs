using System.Net;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.EndToEnd;

/// <summary>
/// One event taken down every delivery path Bridge has (first delivery, retry, replay of a dead letter, a subscription in
/// the grace period of a secret rotation); each request must pass StandardWebhooks and CloudNative.CloudEvents, checked
/// here secret by secret on top of the receiver's own check of every request.
/// </summary>
public sealed class OfficialLibrariesTests : BridgeTestBase
{
    private const string Topic = "orders";

    [Fact]
    public async Task Every_delivery_path_passes_the_official_Standard_Webhooks_and_CloudEvents_libraries()
    {
        Receiver["flaky"].Answer(503, "busy");
        Receiver["strict"].DefaultStatus = 400;
        await using var bridge = await StartBridgeAsync(new TestTopology()
            .Subscription(Topic, "flaky", Receiver.UrlOf("flaky"), maxAttempts: 5)
            .Subscription(Topic, "strict", Receiver.UrlOf("strict"), maxAttempts: 5)
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true"));
        using var client = bridge.CreateClient();
        var old = Receiver.Trust(await CreateAsync(client, Topic, new { name = "rotating", url = Receiver.UrlOf("rotating") }));
        var (rotatedStatus, rotated, rotateResponse) = await SendAsync(client, HttpMethod.Post, Route(Topic, "rotating") + "/secret/rotate", new { gracePeriodSeconds = 300 });
        rotateResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, rotatedStatus);
        var fresh = Receiver.Trust(rotated.GetProperty("secret").GetString()!);

        var messageId = await PublishAsync(client, Topic, new { orderId = "12345", city = "Zürich" }, "order.created",
            new Dictionary<string, string> { ["X-Correlation-Id"] = "corr-official" });

        var retried = await Receiver["flaky"].WaitForAsync(2, Patience);
        await EventuallyAsync(() => DeadLettersAsync(client, Topic, "strict"), p => p.GetProperty("items").GetArrayLength() == 1, "the dead letter");
        Receiver["strict"].DefaultStatus = 200;
        using (var replay = await client.PostAsync($"/api/topics/{Topic}/subscriptions/strict/dead-letters/{messageId}/replay", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }
        var replayed = await Receiver["strict"].WaitForAsync(2, Patience);
        var during = Assert.Single(await Receiver["rotating"].WaitForAsync(1, Patience));

        foreach (var request in retried.Concat(replayed))
        {
            AssertPasses(request, messageId, TestTopology.Secret);
        }
        Assert.Equal(2, during.Headers["webhook-signature"].Split(' ').Length);
        AssertPasses(during, messageId, old);
        AssertPasses(during, messageId, fresh);
    }

    private static void AssertPasses(ReceivedRequest request, string messageId, string secret)
    {
        var rejection = OfficialDeliveryCheck.Reject(request.Headers, request.Body, request.ContentType, [secret], out var cloudEvent);
        Assert.True(rejection is null, rejection);
        Assert.Equal(messageId, cloudEvent!.Id);
        Assert.Equal("order.created", cloudEvent.Type);
        Assert.Equal("corr-official", cloudEvent["correlationid"]);
        Assert.Equal("Zürich", Assert.IsType<JsonElement>(cloudEvent.Data).GetProperty("city").GetString());
    }
}
