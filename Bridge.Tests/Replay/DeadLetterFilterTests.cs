using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bridge.Tests.Replay;

/// <summary>Listing dead letters by reason, event type and dead-lettered time, and purging them one by one or by filter, audited.</summary>
public sealed class DeadLetterFilterTests : ReplayTestBase
{
    private const string Invalid = "urn:bridge:problem:invalid-request";

    [Fact]
    public async Task Filters_by_reason_type_and_time_return_exactly_the_matching_dead_letters()
    {
        // order.cancelled fails (503, one attempt: MaxAttemptsExceeded); everything else is rejected (400: WebhookRejected).
        Receiver["mixed"].Decide = (request, _) => request.Json.GetProperty("type").GetString() == "order.cancelled" ? 503 : 400;
        await using var bridge = await StartBridgeAsync(Topology("mixed"));
        using var client = bridge.CreateClient();

        var early = await PublishBatchAsync(client, [Event("order.created"), Event("order.created"), Event("order.created")]);
        var first = await EventuallyAsync(() => ListDeadLettersAsync(client, "mixed"), d => d.Count == 3, "the first three dead letters");
        var boundary = first.Max(d => d.GetProperty("deadLetteredTime").GetDateTimeOffset());
        await Task.Delay(20);
        var late = await PublishBatchAsync(client, [Event("order.cancelled"), Event("order.created"), Event("order.cancelled")]);
        await WaitForDeadLettersAsync(client, "mixed", 6);
        var cancelled = new[] { late[0], late[2] };

        Assert.Equal(Sorted([.. early, late[1]]), Sorted(await DeadLetterIdsAsync(client, "mixed", "reason=WebhookRejected")));
        Assert.Equal(Sorted(cancelled), Sorted(await DeadLetterIdsAsync(client, "mixed", "reason=MaxAttemptsExceeded")));
        Assert.Equal(Sorted(cancelled), Sorted(await DeadLetterIdsAsync(client, "mixed", "type=order.cancelled")));
        Assert.Empty(await DeadLetterIdsAsync(client, "mixed", "type=order.cancelled&reason=WebhookRejected"));
        Assert.Equal(Sorted(early), Sorted(await DeadLetterIdsAsync(client, "mixed", "to=" + Utc(boundary))));
        Assert.Equal(Sorted(late), Sorted(await DeadLetterIdsAsync(client, "mixed", "from=" + Utc(boundary.AddMilliseconds(1)))));
        Assert.Equal([late[1]], await DeadLetterIdsAsync(client, "mixed", $"type=order.created&from={Utc(boundary.AddMilliseconds(1))}"));

        // Paging through a filter: full pages say where to go on, the last one does not.
        var page = await GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/mixed/dead-letters?reason=WebhookRejected&limit=3");
        Assert.Equal(3, page.GetProperty("items").GetArrayLength());
        var rest = await GetJsonAsync(client, $"/api/topics/{Topic}/subscriptions/mixed/dead-letters?reason=WebhookRejected&limit=3&after={page.GetProperty("next").GetInt64()}");
        Assert.Equal([late[1]], rest.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("messageId").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);

        foreach (var bad in new[] { $"from={Utc(boundary)}&to={Utc(boundary.AddSeconds(-1))}", "limit=0", "limit=1001" })
        {
            Assert.Equal((400, Invalid), await GetStatusAsync(client, $"/api/topics/{Topic}/subscriptions/mixed/dead-letters?{bad}"));
        }
    }

    [Fact]
    public async Task Purging_one_or_by_filter_removes_exactly_those_and_audits_who_and_how_many()
    {
        Receiver["purged"].Decide = (request, _) => request.Json.GetProperty("type").GetString() == "order.cancelled" ? 503 : 400;
        await using var bridge = await StartBridgeAsync(Topology("purged"));
        using var client = bridge.CreateClient();
        var ids = await PublishBatchAsync(client, [Event("order.created"), Event("order.cancelled"), Event("order.created"), Event("order.cancelled"), Event("order.created")]);
        await WaitForDeadLettersAsync(client, "purged", 5);
        // The audit writer records each dead letter in the background: purge once its rows are there.
        var audited = string.Join(",", ids.Select(id => $"'{id}'"));
        await EventuallyAsync(() => Task.FromResult((long)QueryFile("bridge.db", $"SELECT COUNT(*) FROM dead_letters WHERE MessageId IN ({audited})")!),
            count => count == ids.Count, "the dead letters' audit rows");
        var path = $"/api/topics/{Topic}/subscriptions/purged/dead-letters";

        using (var deleted = await client.DeleteAsync($"{path}/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var again = await client.DeleteAsync($"{path}/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
        Assert.Equal(Sorted(ids.Skip(1)), Sorted(await DeadLetterIdsAsync(client, "purged")));

        Assert.Equal((400, Invalid), await PostAsync(client, $"{path}/purge", new { }));
        Assert.Equal((400, Invalid), await PostAsync(client, $"{path}/purge", new { all = true, reason = "WebhookRejected" }));
        Assert.Equal((400, Invalid), await PostAsync(client, $"{path}/purge", new { from = DateTimeOffset.UtcNow, to = DateTimeOffset.UtcNow.AddHours(-1) }));
        Assert.Equal(4, (await DeadLetterIdsAsync(client, "purged")).Count);

        using (var byType = await client.PostAsJsonAsync($"{path}/purge", new { type = "order.cancelled" }))
        {
            Assert.Equal(HttpStatusCode.OK, byType.StatusCode);
            Assert.Equal(2, (await byType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purged").GetInt32());
        }
        Assert.Equal(Sorted([ids[2], ids[4]]), Sorted(await DeadLetterIdsAsync(client, "purged")));

        using (var all = await client.PostAsJsonAsync($"{path}/purge", new { all = true }))
        {
            Assert.Equal(2, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purged").GetInt32());
        }
        Assert.Empty(await DeadLetterIdsAsync(client, "purged"));
        Assert.Empty(await ListDeadLettersAsync(client, "purged", "reason=WebhookRejected"));

        await bridge.WaitForOutputAsync(@"Purged 1 dead letter\(s\) of orders/purged \(requested by bootstrap\)", Patience);
        await bridge.WaitForOutputAsync(@"Purged 2 dead letter\(s\) of orders/purged \(requested by bootstrap\)", Patience);
        var rows = string.Join(",", ids.Select(id => $"'{id}'"));
        Assert.Equal(0L, QueryFile("bridge.db", $"SELECT COUNT(*) FROM dead_letters WHERE MessageId IN ({rows}) AND (State <> 'Purged' OR ResolvedBy <> 'bootstrap' OR ResolvedAt IS NULL)"));
        Assert.True((long)QueryFile("bridge.db", $"SELECT COUNT(DISTINCT MessageId) FROM dead_letters WHERE MessageId IN ({rows})")! == 5);
    }

    private static object Event(string type) => new { type, data = new { at = Guid.NewGuid() } };

    private static List<string> Sorted(IEnumerable<string> ids) => [.. ids.Order(StringComparer.Ordinal)];
}
