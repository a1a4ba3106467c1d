using System.Text.Json;
using Bridge.Webhooks.Batches;

namespace Bridge.Tests.Webhooks.Batches;

/// <summary>The batch body, its webhook-id and the receiver's answer listing the events it refuses.</summary>
public sealed class WebhookBatchTests
{
    private static Envelope Event(string id) => new()
    {
        Id = id,
        Source = "/s",
        Type = "order.created",
        Time = DateTimeOffset.UnixEpoch,
        Data = "{}"u8.ToArray(),
        CorrelationId = "c",
    };

    [Fact]
    public void The_body_is_a_json_array_of_the_elements_in_order()
    {
        var body = WebhookBatch.Body(["{\"id\":\"a\"}"u8.ToArray(), "{\"id\":\"b\"}"u8.ToArray()]);
        Assert.Equal("""[{"id":"a"},{"id":"b"}]""", Encoding.UTF8.GetString(body));
        Assert.Equal("[]", Encoding.UTF8.GetString(WebhookBatch.Body([])));
        Assert.Equal(2, JsonDocument.Parse(body).RootElement.GetArrayLength());
    }

    [Fact]
    public void The_same_events_get_the_same_id_and_any_other_set_or_order_another()
    {
        var address = new SubscriptionAddress("orders", "erp");
        var id = WebhookBatch.Id(address, [Event("1"), Event("2")]);
        Assert.StartsWith(WebhookBatch.IdPrefix, id, StringComparison.Ordinal);
        Assert.Equal(WebhookBatch.IdPrefix.Length + 32, id.Length);
        Assert.Equal(id, WebhookBatch.Id(address, [Event("1"), Event("2")]));
        Assert.NotEqual(id, WebhookBatch.Id(address, [Event("2"), Event("1")]));
        Assert.NotEqual(id, WebhookBatch.Id(address, [Event("1"), Event("2"), Event("3")]));
        Assert.NotEqual(id, WebhookBatch.Id(new SubscriptionAddress("orders", "crm"), [Event("1"), Event("2")]));
    }

    [Fact]
    public void An_answer_lists_the_events_refused_for_good_and_any_other_answer_refuses_none()
    {
        var rejected = WebhookBatch.Rejections("""{"rejected":[{"id":"2","reason":"unknown customer"},{"id":"3"},{"reason":"no id"},"x"]}""");
        Assert.Equal(2, rejected.Count);
        Assert.Equal("unknown customer", rejected["2"]);
        Assert.Equal("rejected by the receiver", rejected["3"]);

        foreach (var answer in new[] { null, "", "OK", "[]", "{}", """{"rejected":"all"}""", """{"rejected":[{"id":"2"}""" })
        {
            Assert.Empty(WebhookBatch.Rejections(answer));
        }
        Assert.Equal(WebhookBatch.MaxReasonLength, WebhookBatch.Rejections($$"""{"rejected":[{"id":"1","reason":"{{new string('x', 5000)}}"}]}""")["1"].Length);
    }
}
