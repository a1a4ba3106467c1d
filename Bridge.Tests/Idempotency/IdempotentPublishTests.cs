using System.Net;

namespace Bridge.Tests.Idempotency;

public sealed class IdempotentPublishTests : IdempotencyTestBase
{
    private const string Path = "/api/topics/orders/events";
    private const string Body = """{ "orderId": "12345", "amount": 1500 }""";

    [Fact]
    public async Task A_retry_with_the_same_key_and_body_gets_the_same_202_and_publishes_nothing_more()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();

        var first = await SendAsync(client, Path, Body, "order-12345", headers: new Dictionary<string, string> { ["ce-type"] = "order.created" });
        first.AssertAccepted();
        await SettleAsync(client, [first.MessageId], 1);
        var before = await SettledStoreAsync();

        var retry = await SendAsync(client, Path, Body, "\"order-12345\"", headers: new Dictionary<string, string> { ["ce-type"] = "order.created" });

        retry.AssertAccepted();
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(first.Header("X-Correlation-Id"), retry.Header("X-Correlation-Id"));
        Assert.False(first.Replayed);
        Assert.True(retry.Replayed, "a replay says so");
        await AssertStoreUnchangedAsync(before, "a replayed publish");
        Assert.Equal([first.MessageId], Delivered());
        await AssertEventsStoredAsync(1);
    }

    [Fact]
    public async Task A_retried_batch_gets_the_same_202_with_the_same_message_ids_and_each_event_is_delivered_once()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        const string batch = """[ { "type": "order.created", "data": { "n": 1 } }, { "type": "order.created", "data": { "n": 2 } }, { "type": "order.paid", "data": { "n": 3 } } ]""";

        var first = await SendAsync(client, Path + "/batch", batch, "batch-7");
        first.AssertAccepted();
        var ids = first.Json.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        await SettleAsync(client, ids, 3);
        var before = await SettledStoreAsync();

        var retry = await SendAsync(client, Path + "/batch", batch, "batch-7");

        retry.AssertAccepted();
        Assert.True(retry.Replayed);
        Assert.Equal(first.Body, retry.Body);
        await AssertStoreUnchangedAsync(before, "a replayed batch");
        Assert.Equal(ids.Order(), Delivered().Order());
        await AssertEventsStoredAsync(3);
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused_with_422_and_stores_nothing()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();
        var first = await SendAsync(client, Path, Body, "order-12345");
        first.AssertAccepted();
        await SettleAsync(client, [first.MessageId], 1);
        var before = await SettledStoreAsync();

        var changedBody = await SendAsync(client, Path, """{ "orderId": "12345", "amount": 1600 }""", "order-12345");
        var changedType = await SendAsync(client, Path, Body, "order-12345", headers: new Dictionary<string, string> { ["ce-type"] = "order.cancelled" });
        var changedQuery = await SendAsync(client, Path + "?subject=orders/1", Body, "order-12345");
        var asBatch = await SendAsync(client, Path + "/batch", $$"""[ { "data": {{Body}} } ]""", "order-12345");

        changedBody.AssertProblem(HttpStatusCode.UnprocessableEntity, "urn:bridge:problem:idempotency-key-reused");
        changedType.AssertProblem(HttpStatusCode.UnprocessableEntity, "urn:bridge:problem:idempotency-key-reused");
        changedQuery.AssertProblem(HttpStatusCode.UnprocessableEntity, "urn:bridge:problem:idempotency-key-reused");
        asBatch.AssertProblem(HttpStatusCode.UnprocessableEntity, "urn:bridge:problem:idempotency-key-reused");
        await AssertStoreUnchangedAsync(before, "a reused key");
        Assert.Equal([first.MessageId], Delivered());
    }

    [Fact]
    public async Task A_failed_publish_leaves_no_claim_so_the_corrected_request_succeeds_with_the_same_key()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();

        var invalid = await SendAsync(client, Path + "/batch", """[ { "data": { "n": 1 } }, { "type": "no data" } ]""", "fix-me");
        var unknownTopic = await SendAsync(client, "/api/topics/nope/events", Body, "fix-me");

        invalid.AssertProblem(HttpStatusCode.BadRequest, "urn:bridge:problem:invalid-event");
        unknownTopic.AssertProblem(HttpStatusCode.NotFound, "urn:bridge:problem:unknown-topic");
        Assert.Equal(0, KeysStored());
        Assert.Equal(0, QueuedMessages());

        var corrected = await SendAsync(client, Path + "/batch", """[ { "data": { "n": 1 } }, { "type": "t", "data": { "n": 2 } } ]""", "fix-me");

        corrected.AssertAccepted();
        Assert.False(corrected.Replayed);
        await Receiver["sink"].WaitForAsync(2, Patience);
        Assert.Equal(1, KeysStored());
    }

    [Fact]
    public async Task A_key_is_scoped_to_its_topic()
    {
        var topology = Topology().Subscription("invoices", "sink", Receiver.UrlOf("sink"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var orders = await SendAsync(client, Path, Body, "shared-key");
        var invoices = await SendAsync(client, "/api/topics/invoices/events", Body, "shared-key");

        orders.AssertAccepted();
        invoices.AssertAccepted();
        Assert.False(invoices.Replayed);
        Assert.NotEqual(orders.MessageId, invoices.MessageId);
        await Receiver["sink"].WaitForAsync(2, Patience);
        Assert.Equal(new[] { orders.MessageId, invoices.MessageId }.Order(), Delivered().Order());
    }

    [Fact]
    public async Task After_its_window_a_key_is_swept_and_the_same_request_publishes_a_new_event()
    {
        var topology = Topology(("Bridge:Publisher:Idempotency:Window", "00:00:01"), ("Bridge:Publisher:Idempotency:SweepInterval", "00:00:01"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var first = await SendAsync(client, Path, Body, "short-lived");
        first.AssertAccepted();
        Assert.Equal(1, KeysStored());

        await EventuallyAsync(() => Task.FromResult(KeysStored()), n => n == 0, "the sweeper to remove the expired key");
        var later = await SendAsync(client, Path, Body, "short-lived");

        later.AssertAccepted();
        Assert.False(later.Replayed);
        Assert.NotEqual(first.MessageId, later.MessageId);
        await Receiver["sink"].WaitForAsync(2, Patience);
        Assert.Equal(new[] { first.MessageId, later.MessageId }.Order(), Delivered().Order());
    }

    [Fact]
    public async Task An_expired_key_no_longer_matches_even_before_the_sweeper_removes_it()
    {
        var topology = Topology(("Bridge:Publisher:Idempotency:Window", "00:00:01"), ("Bridge:Publisher:Idempotency:SweepInterval", "01:00:00"));
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();
        var first = await SendAsync(client, Path, Body, "short-lived");
        first.AssertAccepted();

        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        var later = await SendAsync(client, Path, """{ "orderId": "other" }""", "short-lived");

        later.AssertAccepted();
        Assert.NotEqual(first.MessageId, later.MessageId);
        Assert.Equal(1, KeysStored());
    }

    [Fact]
    public async Task A_key_outlives_a_restart_and_the_retry_is_replayed()
    {
        var topology = Topology();
        Answer first;
        await using (var bridge = await StartBridgeAsync(topology))
        {
            using var client = bridge.CreateClient();
            first = await SendAsync(client, Path, Body, "across-restart");
            first.AssertAccepted();
            await SettleAsync(client, [first.MessageId], 1);
            await bridge.StopAsync();
        }

        await using var restarted = await StartBridgeAsync(topology);
        using var again = restarted.CreateClient();
        var before = await SettledStoreAsync();
        var retry = await SendAsync(again, Path, Body, "across-restart");

        retry.AssertAccepted();
        Assert.True(retry.Replayed);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(first.Header("X-Correlation-Id"), retry.Header("X-Correlation-Id"));
        await AssertStoreUnchangedAsync(before, "a replay after a restart");
        Assert.Equal([first.MessageId], Delivered());
    }

    [Fact]
    public async Task A_claim_left_in_flight_by_a_crash_is_taken_over_after_its_lease_and_republished_under_the_same_message_id()
    {
        await using var bridge = await StartBridgeAsync(Topology(("Bridge:Publisher:Idempotency:Lease", "00:00:01")));
        using var client = bridge.CreateClient();
        var first = await SendAsync(client, Path, Body, "crash-between");
        first.AssertAccepted();
        await SettleAsync(client, [first.MessageId], 1);
        await AssertEventsStoredAsync(1);

        // As if the process had died after the broker took the event but before the response was stored.
        Assert.Equal(1, ExecuteOnStore("""
            UPDATE idempotency_keys SET "State" = 'InFlight', "LeaseExpiresAt" = 0, "CompletedAt" = NULL, "StatusCode" = NULL, "ResponseBody" = NULL, "ResponseHeaders" = NULL
            """));
        var retry = await SendAsync(client, Path, Body, "crash-between");

        retry.AssertAccepted();
        Assert.False(retry.Replayed);
        Assert.Equal(first.MessageId, retry.MessageId);
        await AssertEventsStoredAsync(2); // published again: the broker had it twice, under one id
        await EventuallyAsync(() => Task.FromResult(QueuedMessages()), n => n == 0, "the republished envelope to be settled");
        Assert.Equal([first.MessageId], Delivered());
        var replay = await SendAsync(client, Path, Body, "crash-between");
        Assert.True(replay.Replayed);
        Assert.Equal(retry.Body, replay.Body);
    }

    [Fact]
    public async Task A_caller_chosen_ce_id_is_kept_under_a_key()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        using var client = bridge.CreateClient();

        var answer = await SendAsync(client, Path, Body, "with-own-id", headers: new Dictionary<string, string> { ["ce-id"] = "order-12345-created" });

        answer.AssertAccepted();
        Assert.Equal("order-12345-created", answer.MessageId);
    }
}
