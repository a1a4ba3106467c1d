using System.Net;

namespace Bridge.Tests.Idempotency;

public sealed class ConcurrentDuplicateTests : IdempotencyTestBase
{
    private const string Body = """{ "orderId": "12345" }""";

    [Fact]
    public async Task Forty_concurrent_requests_with_one_key_publish_exactly_one_event_and_all_get_its_202()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();

        var answers = await RaceAsync(client, 40, "race-1");

        Assert.All(answers, a => a.AssertAccepted());
        Assert.Single(answers.Select(a => a.MessageId).Distinct());
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Single(answers, a => !a.Replayed);
        await SettleAsync(client, [answers[0].MessageId], 1);
        Assert.Equal([answers[0].MessageId], Delivered());
        await AssertEventsStoredAsync(1);
    }

    [Fact]
    public async Task Without_waiting_concurrent_duplicates_get_409_with_Retry_After_or_the_202_and_one_event_is_published()
    {
        await using var bridge = await StartBridgeAsync(Topology(("Bridge:Publisher:Idempotency:WaitForInFlight", "00:00:00")));
        using var client = bridge.CreateClient();

        var answers = await RaceAsync(client, 30, "race-2");

        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        var busy = answers.Where(a => a.Status != HttpStatusCode.Accepted).ToList();
        Assert.NotEmpty(accepted);
        Assert.Single(accepted.Select(a => a.MessageId).Distinct());
        Assert.All(busy, a =>
        {
            a.AssertProblem(HttpStatusCode.Conflict, "urn:bridge:problem:idempotency-key-in-use");
            Assert.Equal("1", a.Header("Retry-After"));
        });
        await SettleAsync(client, [accepted[0].MessageId], 1);
        await AssertEventsStoredAsync(1);
        Assert.Equal([accepted[0].MessageId], Delivered());
    }

    private static async Task<IReadOnlyList<Answer>> RaceAsync(HttpClient client, int count, string key)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, count).Select(async _ =>
        {
            await go.Task;
            return await SendAsync(client, "/api/topics/orders/events", Body, key);
        }).ToList();
        go.SetResult();
        return await Task.WhenAll(racers);
    }
}
