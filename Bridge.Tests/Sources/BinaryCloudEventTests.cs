using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class BinaryCloudEventTests
{
    private static readonly DateTimeOffset Occurred = new(2025, 6, 14, 10, 0, 0, TimeSpan.Zero);

    private static SourceMessage Binary(string prefix, byte[] body, string? contentType, params (string Name, object? Value)[] attributes)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [prefix + "specversion"] = "1.0",
            [prefix + "id"] = "ce-1",
            [prefix + "source"] = "urn:contoso:orders",
            [prefix + "type"] = "order.created",
            ["unrelated"] = "not an attribute",
        };
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                properties.Remove(name.StartsWith("cloud", StringComparison.Ordinal) ? name : prefix + name);
            }
            else
            {
                properties[name.StartsWith("cloud", StringComparison.Ordinal) ? name : prefix + name] = value;
            }
        }
        return new SourceMessage { Body = body, ContentType = contentType, MessageId = "transport-id", Properties = properties };
    }

    [Fact]
    public void Attributes_with_the_colon_prefix_written_by_the_Azure_SDKs_become_the_envelope()
    {
        var message = Binary("cloudEvents:", """{"orderId":"12345"}"""u8.ToArray(), "application/json",
            ("time", Occurred), ("subject", "orders/12345"), ("dataschema", "https://schemas.contoso.com/order"),
            ("partitionkey", "customer-9"), ("correlationid", "corr-1"),
            ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("tracestate", "vendor=1"),
            ("Region", "eu"), ("priority", 5L));

        var envelope = One(message);

        Assert.Equal("ce-1", envelope.Id);
        Assert.Equal("urn:contoso:orders", envelope.Source);
        Assert.Equal("order.created", envelope.Type);
        Assert.Equal("orders/12345", envelope.Subject);
        Assert.Equal(Occurred, envelope.Time);
        Assert.Equal("https://schemas.contoso.com/order", envelope.DataSchema);
        Assert.Equal("application/json", envelope.DataContentType);
        Assert.Equal("""{"orderId":"12345"}""", Encoding.UTF8.GetString(envelope.Data.Span));
        Assert.Equal("customer-9", envelope.OrderingKey);
        Assert.Equal("corr-1", envelope.CorrelationId);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", envelope.TraceParent);
        Assert.Equal("vendor=1", envelope.TraceState);
        Assert.Equal("source:erp", envelope.Publisher);
        Assert.Equal(
            [KeyValuePair.Create("priority", "5"), KeyValuePair.Create("region", "eu")],
            envelope.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Attributes_with_the_underscore_prefix_are_read_the_same_way()
    {
        var message = Binary("cloudEvents_", "hello"u8.ToArray(), "text/plain", ("time", "2025-06-14T12:00:00+02:00"), ("region", "eu"));

        var envelope = One(message);

        Assert.Equal("ce-1", envelope.Id);
        Assert.Equal("order.created", envelope.Type);
        Assert.Equal(Occurred, envelope.Time);
        Assert.Equal("text/plain", envelope.DataContentType);
        Assert.Equal("hello", Encoding.UTF8.GetString(envelope.Data.Span));
        Assert.Equal("eu", envelope.Properties["region"]);
        Assert.Equal("ce-1", envelope.CorrelationId);
    }

    [Fact]
    public void Without_a_time_the_event_is_stamped_now_and_the_mapping_fills_the_rest()
    {
        var mapping = Mapping(type: "fallback.type");
        mapping.OrderingKeyFrom = "sessionId";
        var message = Binary("cloudEvents:", [0x00, 0xFF], "application/octet-stream", ("type", null)) with { SessionId = "s-1", CorrelationId = "transport-corr" };

        var envelope = One(message, mapping);

        Assert.Equal(Now, envelope.Time);
        Assert.Equal("fallback.type", envelope.Type);
        Assert.Equal("s-1", envelope.OrderingKey);
        Assert.Equal("transport-corr", envelope.CorrelationId);
        Assert.Equal([0x00, 0xFF], envelope.Data.ToArray());
        Assert.Equal("application/octet-stream", envelope.DataContentType);
    }

    [Fact]
    public void The_datacontenttype_attribute_serves_when_the_message_has_no_content_type()
    {
        var envelope = One(Binary("cloudEvents:", "<a/>"u8.ToArray(), null, ("datacontenttype", "application/xml")));

        Assert.Equal("application/xml", envelope.DataContentType);
    }

    [Fact]
    public void An_event_without_data_has_JSON_null_data()
    {
        var envelope = One(Binary("cloudEvents:", [], "application/octet-stream"));

        Assert.Equal("application/json", envelope.DataContentType);
        Assert.Equal("null", Encoding.UTF8.GetString(envelope.Data.Span));
    }

    [Fact]
    public void An_extension_whose_name_is_no_CloudEvents_name_is_InvalidCloudEvent()
    {
        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Binary("cloudEvents_", "{}"u8.ToArray(), "application/json", ("my-ext", "x")));

        Assert.Equal("my-ext \"x\" (from the CloudEvent) has no valid extension attribute name: 1-20 lower-case letters or digits, not a CloudEvents or Bridge attribute.", description);
    }

    [Fact]
    public void A_JSON_content_type_on_a_body_that_is_not_JSON_is_InvalidJson()
    {
        var description = Failure(SourceFailureReasons.InvalidJson, Binary("cloudEvents:", "not json"u8.ToArray(), "application/json"));

        Assert.StartsWith("The body is not JSON, yet its content type is 'application/json': ", description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("specversion", "0.3", "The CloudEvent's specversion is '0.3'; only 1.0 is supported.")]
    [InlineData("id", null, "The CloudEvent has no id; a CloudEvent must carry one, and a mapping cannot give it.")]
    [InlineData("time", "yesterday", "The CloudEvent's time 'yesterday' is not an RFC 3339 timestamp such as 2025-06-14T10:00:00Z.")]
    [InlineData("time", "2025-06-14 10:00", "The CloudEvent's time '2025-06-14 10:00' is not an RFC 3339 timestamp such as 2025-06-14T10:00:00Z.")]
    [InlineData("source", null, "The CloudEvent has no source, and the mapping gives none: Mapping:SourceFrom is not set and Mapping:Source is not set.")]
    [InlineData("partitionkey", "\u0001", "partitionkey \"\\u0001\" (from the CloudEvent) must not contain control characters.")]
    public void A_binary_CloudEvent_that_breaks_the_rules_is_InvalidCloudEvent(string attribute, string? value, string expected)
    {
        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Binary("cloudEvents:", "{}"u8.ToArray(), "application/json", (attribute, value)));

        Assert.Equal(expected, description);
    }
}
