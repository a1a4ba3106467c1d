using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class MappingTests
{
    private const string Order = """{"kind":"order.shipped","order":{"id":"o-7","lines":[{"sku":"A-1"}],"total":42.5,"paid":true,"a/b":"slash"},"none":null}""";

    private static Dictionary<string, object?> Properties(params (string Name, object? Value)[] properties) =>
        properties.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    [Fact]
    public void The_type_comes_from_a_property()
    {
        var mapping = Mapping(type: null);
        mapping.TypeFrom = "property:event-type";

        var envelope = One(Json(Order, Properties(("event-type", "invoice.paid"))), mapping);

        Assert.Equal("invoice.paid", envelope.Type);
    }

    [Fact]
    public void The_type_comes_from_the_data()
    {
        var mapping = Mapping(type: "fallback");
        mapping.TypeFrom = "data:/kind";

        Assert.Equal("order.shipped", One(Json(Order), mapping).Type);
    }

    [Theory]
    [InlineData("property:missing")]
    [InlineData("data:/order")]
    [InlineData("data:/none")]
    [InlineData("data:/order/lines")]
    [InlineData("data:/nothing/here")]
    [InlineData("subject")]
    public void The_constant_type_is_the_fallback_when_the_expression_gives_nothing(string typeFrom)
    {
        var mapping = Mapping(type: "fallback");
        mapping.TypeFrom = typeFrom;

        Assert.Equal("fallback", One(Json(Order, Properties(("empty", ""))), mapping).Type);
    }

    [Fact]
    public void An_empty_property_counts_as_missing()
    {
        var mapping = Mapping(type: "fallback");
        mapping.TypeFrom = "property:empty";

        Assert.Equal("fallback", One(Json(Order, Properties(("empty", ""))), mapping).Type);
    }

    [Theory]
    [InlineData("data:/order/id", "o-7")]
    [InlineData("data:/order/total", "42.5")]
    [InlineData("data:/order/paid", "true")]
    [InlineData("data:/order/lines/0/sku", "A-1")]
    [InlineData("data:/order/a~1b", "slash")]
    public void A_data_pointer_gives_strings_as_text_and_numbers_and_booleans_as_JSON(string expression, string expected)
    {
        var mapping = Mapping();
        mapping.SubjectFrom = expression;

        Assert.Equal(expected, One(Json(Order), mapping).Subject);
    }

    [Fact]
    public void A_data_pointer_gives_nothing_when_the_data_is_not_JSON()
    {
        var mapping = Mapping();
        mapping.SubjectFrom = "data:/kind";
        mapping.Subject = "fallback";

        var envelope = One(new SourceMessage { Body = Encoding.UTF8.GetBytes(Order), ContentType = "text/plain" }, mapping);

        Assert.Equal("fallback", envelope.Subject);
    }

    [Fact]
    public void Property_values_of_every_kind_become_text()
    {
        var mapping = Mapping();
        mapping.Extensions = new()
        {
            ["count"] = "property:count",
            ["small"] = "property:small",
            ["ratio"] = "property:ratio",
            ["flag"] = "property:flag",
            ["at"] = "property:at",
            ["raw"] = "property:raw",
            ["absent"] = "property:absent",
        };
        var properties = Properties(
            ("count", 12345678901L), ("small", -7), ("ratio", 0.25), ("flag", true),
            ("at", new DateTimeOffset(2025, 6, 14, 10, 0, 0, TimeSpan.FromHours(2))), ("raw", "héllo"u8.ToArray()), ("absent", null));

        var envelope = One(Json(Order, properties), mapping);

        var expected = new Dictionary<string, string>
        {
            ["count"] = "12345678901",
            ["small"] = "-7",
            ["ratio"] = "0.25",
            ["flag"] = "true",
            ["at"] = "2025-06-14T10:00:00.0000000+02:00",
            ["raw"] = "héllo",
        };
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), envelope.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void The_id_comes_from_a_property()
    {
        var mapping = Mapping();
        mapping.IdFrom = "property:business-id";

        var envelope = One(Json(Order, Properties(("business-id", "B-77"))) with { MessageId = "msg-1" }, mapping);

        Assert.Equal("B-77", envelope.Id);
        Assert.Equal("B-77", envelope.CorrelationId);
    }

    [Fact]
    public void A_new_id_is_made_when_the_mapping_gives_none()
    {
        var first = One(Json(Order));
        var second = One(Json(Order));

        Assert.Matches("^[0-9a-f]{32}$", first.Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first.Id, first.CorrelationId);
    }

    [Fact]
    public void A_content_hash_id_is_stable_for_the_same_content_and_differs_for_other_content()
    {
        var mapping = Mapping();
        mapping.IdFrom = SourceMapping.ContentHash;

        var id = One(Json(Order) with { MessageId = "a" }, mapping).Id;

        Assert.Matches("^[0-9a-f]{12}8[0-9a-f]{3}[89ab][0-9a-f]{15}$", id);
        Assert.Equal(id, One(Json(Order) with { MessageId = "b" }, mapping).Id);
        Assert.NotEqual(id, One(Json(Order + " "), mapping).Id);
        Assert.NotEqual(id, One(Json(Order, contentType: "application/vnd.x+json"), mapping).Id);
        Assert.NotEqual(id, SourceStandardiser.Standardise("crm", Json(Order), mapping, Now).Envelopes[0].Id);
    }

    [Theory]
    [InlineData("sessionId", "session-1")]
    [InlineData("property:customer", "c-9")]
    [InlineData("data:/order/id", "o-7")]
    public void The_ordering_key_comes_from_the_mapping(string expression, string expected)
    {
        var mapping = Mapping();
        mapping.OrderingKeyFrom = expression;

        var envelope = One(Json(Order, Properties(("customer", "c-9"))) with { SessionId = "session-1" }, mapping);

        Assert.Equal(expected, envelope.OrderingKey);
    }

    [Fact]
    public void The_correlation_id_comes_from_a_property_when_mapped()
    {
        var mapping = Mapping();
        mapping.CorrelationIdFrom = "property:flow";

        var envelope = One(Json(Order, Properties(("flow", "flow-1"))) with { CorrelationId = "corr-9", MessageId = "m-1" }, mapping);

        Assert.Equal("flow-1", envelope.CorrelationId);
    }

    [Fact]
    public void Source_and_subject_come_from_the_message_or_the_constants()
    {
        var mapping = Mapping();
        mapping.SourceFrom = "routingKey";
        mapping.Source = "/erp/default";
        mapping.SubjectFrom = "subject";

        var routed = One(Json(Order) with { RoutingKey = "erp.orders", Subject = "orders/7" }, mapping);
        var unrouted = One(Json(Order), mapping);

        Assert.Equal("erp.orders", routed.Source);
        Assert.Equal("orders/7", routed.Subject);
        Assert.Equal("/erp/default", unrouted.Source);
        Assert.Null(unrouted.Subject);
    }

    [Fact]
    public void Trace_context_comes_from_a_traceparent_property()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var envelope = One(Json(Order, Properties(("traceparent", traceParent), ("tracestate", "vendor=1"), ("Diagnostic-Id", "00-11111111111111111111111111111111-2222222222222222-01"))));

        Assert.Equal(traceParent, envelope.TraceParent);
        Assert.Equal("vendor=1", envelope.TraceState);
    }

    [Fact]
    public void Trace_context_comes_from_Diagnostic_Id_when_there_is_no_valid_traceparent()
    {
        const string diagnosticId = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var envelope = One(Json(Order, Properties(("traceparent", "garbage"), ("Diagnostic-Id", diagnosticId))));

        Assert.Equal(diagnosticId, envelope.TraceParent);
        Assert.Null(envelope.TraceState);
    }

    [Fact]
    public void A_Diagnostic_Id_that_is_no_traceparent_is_ignored()
    {
        var envelope = One(Json(Order, Properties(("Diagnostic-Id", "|abc.1."))));

        Assert.Null(envelope.TraceParent);
    }
}
