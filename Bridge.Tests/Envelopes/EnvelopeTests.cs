using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Envelopes;

public sealed class EnvelopeTests
{
    private static Envelope Sample() => new()
    {
        Id = "01a2-msg",
        Source = "/erp/sap",
        Type = "order.created",
        Subject = "orders/12345",
        Time = new DateTimeOffset(2025, 6, 14, 10, 0, 0, TimeSpan.Zero),
        Data = Encoding.UTF8.GetBytes("""{"orderId":"12345","customerId":"789","amount":1500,"source":"Dataverse"}"""),
        CorrelationId = "corr-1",
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        TraceState = "vendor=1",
        OrderingKey = "customer-789",
        Properties = new Dictionary<string, string> { ["region"] = "eu", ["tenant"] = "contoso" },
    };

    [Fact]
    public void Serialised_envelope_is_CloudEvents_1_0_structured_JSON_with_data_inline()
    {
        var json = JsonDocument.Parse(EnvelopeSerializer.Serialize(Sample())).RootElement;

        Assert.Equal("1.0", json.GetProperty("specversion").GetString());
        Assert.Equal("01a2-msg", json.GetProperty("id").GetString());
        Assert.Equal("/erp/sap", json.GetProperty("source").GetString());
        Assert.Equal("order.created", json.GetProperty("type").GetString());
        Assert.Equal("orders/12345", json.GetProperty("subject").GetString());
        Assert.Equal("2025-06-14T10:00:00.0000000Z", json.GetProperty("time").GetString());
        Assert.Equal("application/json", json.GetProperty("datacontenttype").GetString());
        Assert.Equal("corr-1", json.GetProperty("correlationid").GetString());
        Assert.Equal("customer-789", json.GetProperty("partitionkey").GetString());
        Assert.Equal("eu", json.GetProperty("region").GetString());
        Assert.Equal(1500, json.GetProperty("data").GetProperty("amount").GetInt32());
        Assert.All(json.EnumerateObject(), p => Assert.Matches("^[a-z0-9_]+$", p.Name));
    }

    [Fact]
    public void Envelope_round_trips_through_its_JSON_form()
    {
        var original = Sample();
        var copy = EnvelopeSerializer.Deserialize(EnvelopeSerializer.Serialize(original));

        EnvelopeAssert.Same(original, copy);
    }

    [Fact]
    public void Optional_attributes_are_omitted_not_null()
    {
        var bare = Sample() with { Subject = null, TraceParent = null, TraceState = null, OrderingKey = null, Properties = Envelope.EmptyProperties };
        var json = JsonDocument.Parse(EnvelopeSerializer.Serialize(bare)).RootElement;

        Assert.False(json.TryGetProperty("subject", out _));
        Assert.False(json.TryGetProperty("traceparent", out _));
        Assert.False(json.TryGetProperty("partitionkey", out _));
    }

    [Theory]
    [InlineData("""{"id":"1","source":"/s","type":"t"}""")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"/s","type":"t"}""")]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"t"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{"specversion":""")]
    public void Reading_something_that_is_not_a_CloudEvent_fails_clearly(string json) =>
        Assert.Throws<FormatException>(() => EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(json)));
}
