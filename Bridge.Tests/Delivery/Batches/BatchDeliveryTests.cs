using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Delivery.Batches;

/// <summary>
/// Batches end to end on the embedded broker, against a real receiver that checks every call with the official libraries
/// (StandardWebhooks for the one signature, CloudNative.CloudEvents' batch decoder for the body): the size and the time
/// limit, a failed batch retried whole under the same webhook-id, per-key order across batches and retries, events refused
/// for good one by one, and a whole batch refused.
/// </summary>
public sealed class BatchDeliveryTests : BridgeTestBase
{
    private const string Topic = "orders";

    private TestTopology Batched(string name, int maxEvents, int maxWaitMilliseconds, int maxAttempts = 3)
    {
        var key = $"Bridge:Topics:{Topic}:Subscriptions:{name}:Webhook";
        return new TestTopology().Topic(Topic)
            .Subscription(Topic, name, Receiver.UrlOf(name), maxAttempts: maxAttempts)
            .With($"{key}:Batch:MaxEvents", maxEvents.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With($"{key}:Batch:MaxWaitMilliseconds", maxWaitMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<List<string>> PublishManyAsync(HttpClient client, int count, string? key = null, int from = 0)
    {
        var ids = new List<string>();
        for (var i = from; i < from + count; i++)
        {
            var headers = key is null ? null : new Dictionary<string, string> { ["ce-partitionkey"] = key };
            ids.Add(await PublishAsync(client, Topic, new { n = i }, "order.created", headers));
        }
        return ids;
    }

    [Fact]
    public async Task A_full_batch_goes_at_once_and_the_rest_after_the_wait_each_signed_once_and_projected()
    {
        var topology = Batched("erp", maxEvents: 5, maxWaitMilliseconds: 2000)
            .With($"Bridge:Topics:{Topic}:Subscriptions:erp:Webhook:Projection:Constants:channel", "bridge");
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var ids = await PublishManyAsync(client, 7);
        var published = DateTimeOffset.UtcNow;
        var calls = await Receiver["erp"].WaitForAsync(2, Patience);

        var (full, rest) = (calls[0], calls[1]);
        Assert.StartsWith("application/cloudevents-batch+json", full.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("batch_", full.MessageId, StringComparison.Ordinal);
        Assert.NotEqual(full.MessageId, rest.MessageId);
        Assert.Equal(5, full.Events.Count);
        Assert.Equal(2, rest.Events.Count);
        Assert.True(full.At - published < TimeSpan.FromSeconds(1.5), $"the full batch went {full.At - published} after the last publish, not at once");
        Assert.True(rest.At - full.At > TimeSpan.FromSeconds(1.5), $"the rest went {rest.At - full.At} after the full batch, before its wait was over");
        Assert.Equal(ids.Order(), full.Events.Concat(rest.Events).Select(e => e.Id!).Order());
        Assert.Equal(ids, full.Events.Concat(rest.Events).Select(e => e.Id!)); // one collector, in the subscription's order
        foreach (var cloudEvent in full.Events.Concat(rest.Events))
        {
            Assert.Equal("order.created", cloudEvent.Type);
            var data = JsonSerializer.SerializeToElement(cloudEvent.Data);
            Assert.Equal("bridge", data.GetProperty("channel").GetString());
        }
        Assert.False(full.Headers.ContainsKey("x-correlation-id")); // each event carries its own correlationid
        var attempts = await EventuallyAsync(() => AttemptsAsync(client, ids[6]), a => a.GetArrayLength() == 1, "the attempt of the last event");
        Assert.Equal("Delivered", attempts[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_failed_batch_is_retried_whole_under_the_same_webhook_id_then_dead_lettered_at_its_last_attempt()
    {
        Receiver["erp"].Answer(503);
        Receiver["down"].DefaultStatus = 503;
        var topology = Batched("erp", maxEvents: 3, maxWaitMilliseconds: 1000);
        foreach (var (key, value) in Batched("down", maxEvents: 3, maxWaitMilliseconds: 1000, maxAttempts: 2).Settings)
        {
            topology.With(key, value);
        }
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var ids = await PublishManyAsync(client, 3);
        var calls = await Receiver["erp"].WaitForAsync(2, Patience);
        Assert.Equal(calls[0].MessageId, calls[1].MessageId);
        Assert.Equal(calls[0].Body, calls[1].Body);
        Assert.Equal(ids, calls[1].Events.Select(e => e.Id!));
        foreach (var id in ids)
        {
            var attempts = await EventuallyAsync(() => AttemptsAsync(client, id), a => a.EnumerateArray().Count(x => x.GetProperty("subscription").GetString() == "erp") == 2, $"both attempts of {id}");
            Assert.Equal(["Failed", "Delivered"], attempts.EnumerateArray().Where(x => x.GetProperty("subscription").GetString() == "erp")
                .OrderBy(x => x.GetProperty("attempt").GetInt32()).Select(x => x.GetProperty("outcome").GetString()));
        }

        var deadLetters = await EventuallyAsync(() => DeadLettersAsync(client, Topic, "down"), d => d.GetProperty("items").GetArrayLength() == 3, "every event of the failing batch dead-lettered");
        Assert.All(deadLetters.GetProperty("items").EnumerateArray(), d => Assert.Equal("MaxAttemptsExceeded", d.GetProperty("reason").GetString()));
        Assert.Equal(ids.Order(), deadLetters.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("messageId").GetString()!).Order());
        var down = Receiver["down"].Received;
        Assert.Equal(2, down.Count);
        Assert.Equal(down[0].MessageId, down[1].MessageId);
        await Task.Delay(500);
        Assert.Equal(2, Receiver["erp"].Received.Count);
    }

    [Fact]
    public async Task An_event_never_overtakes_an_earlier_event_of_its_key_across_batches_and_retries()
    {
        const string key = "customer-7";
        var failedOnce = 0;
        string? first = null;
        Receiver["erp"].Decide = (request, _) =>
            request.Batch?.Any(e => e.Id == first) == true && Interlocked.Exchange(ref failedOnce, 1) == 0 ? 503 : null;
        await using var bridge = await StartBridgeAsync(Batched("erp", maxEvents: 10, maxWaitMilliseconds: 300));
        using var client = bridge.CreateClient();

        first = await PublishAsync(client, Topic, new { n = 0 }, "order.created", new Dictionary<string, string> { ["ce-partitionkey"] = key });
        var keyed = new List<string> { first };
        keyed.AddRange(await PublishManyAsync(client, 3, key, from: 1));
        var others = await PublishManyAsync(client, 4, from: 10);

        await EventuallyAsync(() => Task.FromResult(Receiver["erp"].Received), r => r.Count(c => c.Headers.ContainsKey("webhook-id")) > 0
            && keyed.Concat(others).All(id => Delivered(r).Contains(id)), "every event delivered");
        var calls = Receiver["erp"].Received;
        Assert.Equal(1, failedOnce);
        var seen = new List<string>();
        foreach (var call in calls)
        {
            var ofKey = call.Events.Where(e => keyed.Contains(e.Id!)).Select(e => e.Id!).ToList();
            Assert.True(ofKey.Count <= 1, $"a batch carried {ofKey.Count} events of one key");
            seen.AddRange(ofKey);
        }
        // Only the failed call repeats an event, and no event of the key came before the one ahead of it was delivered.
        Assert.Equal([keyed[0], .. keyed], seen);
    }

    private static HashSet<string> Delivered(IReadOnlyList<ReceivedRequest> calls) =>
        [.. calls.Where(c => c.Batch is not null).SelectMany(c => c.Events).Select(e => e.Id!)];

    [Fact]
    public async Task Events_the_receiver_refuses_are_dead_lettered_on_their_own_and_a_refused_batch_dead_letters_all()
    {
        Receiver["refusing"].DefaultStatus = 422;
        var topology = Batched("erp", maxEvents: 10, maxWaitMilliseconds: 3000);
        foreach (var (setting, value) in Batched("refusing", maxEvents: 10, maxWaitMilliseconds: 3000).Settings)
        {
            topology.With(setting, value);
        }
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var ids = await PublishManyAsync(client, 3);
        Receiver["erp"].Answer(207, JsonSerializer.Serialize(new { rejected = new[] { new { id = ids[1], reason = "unknown customer 42" } } }));

        var deadLetters = await EventuallyAsync(() => DeadLettersAsync(client, Topic, "erp"), d => d.GetProperty("items").GetArrayLength() == 1, "the refused event's dead letter");
        var deadLetter = deadLetters.GetProperty("items")[0];
        Assert.Equal(ids[1], deadLetter.GetProperty("messageId").GetString());
        Assert.Equal("WebhookRejected", deadLetter.GetProperty("reason").GetString());
        Assert.Contains("unknown customer 42", deadLetter.GetProperty("description").GetString(), StringComparison.Ordinal);
        foreach (var id in new[] { ids[0], ids[2] })
        {
            var attempts = await EventuallyAsync(() => AttemptsAsync(client, id), a => a.EnumerateArray().Any(x => x.GetProperty("subscription").GetString() == "erp"), $"the attempt of {id}");
            Assert.Equal("Delivered", attempts.EnumerateArray().Single(x => x.GetProperty("subscription").GetString() == "erp").GetProperty("outcome").GetString());
        }

        var refused = await EventuallyAsync(() => DeadLettersAsync(client, Topic, "refusing"), d => d.GetProperty("items").GetArrayLength() == 3, "the refused batch's dead letters");
        Assert.All(refused.GetProperty("items").EnumerateArray(), d =>
        {
            Assert.Equal("WebhookRejected", d.GetProperty("reason").GetString());
            Assert.Contains("HTTP 422", d.GetProperty("description").GetString(), StringComparison.Ordinal);
        });
        await Task.Delay(500);
        Assert.Single(Receiver["erp"].Received);
        Assert.Single(Receiver["refusing"].Received);
    }
}
