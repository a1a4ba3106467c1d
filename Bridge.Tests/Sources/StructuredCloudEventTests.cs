using System.Text.Json;
using Bridge.Sources;
using Bridge.Tests.Support;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class StructuredCloudEventTests
{
    private static readonly JsonEventFormatter Official = new();

    private static readonly DateTimeOffset Occurred = new(2025, 6, 14, 10, 0, 0, TimeSpan.Zero);

    private static CloudEvent OfficialEvent(string id, object? data, string contentType) => new()
    {
        Id = id,
        Source = new Uri("urn:contoso:orders"),
        Type = "order.created",
        Subject = "orders/12345",
        Time = Occurred,
        DataContentType = contentType,
        Data = data,
    };

    private static SourceMessage Structured(ReadOnlyMemory<byte> body, string contentType = "application/cloudevents+json") =>
        new() { Body = body, ContentType = contentType, MessageId = "transport-id", CorrelationId = "transport-corr" };

    private static SourceMessage Structured(string json, string contentType = "application/cloudevents+json") =>
        Structured(Encoding.UTF8.GetBytes(json), contentType);

    [Fact]
    public void A_Bridge_envelope_is_read_as_it_was_written_but_counts_as_the_source_s_own()
    {
        var original = new Envelope
        {
            Id = "01a2-msg",
            Source = "/erp/sap",
            Type = "order.created",
            Subject = "orders/12345",
            Time = Occurred,
            Data = """{"orderId":"12345"}"""u8.ToArray(),
            CorrelationId = "corr-1",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = "vendor=1",
            OrderingKey = "customer-789",
            Publisher = "orders-app",
            Properties = new Dictionary<string, string> { ["region"] = "eu" },
        };

        var envelope = One(Structured(EnvelopeSerializer.Serialize(original), "Application/CloudEvents+JSON; charset=utf-8"));

        EnvelopeAssert.Same(original with { Publisher = "source:" + SourceName }, envelope);
        Assert.Equal($"source:{SourceName}/01a2-msg", envelope.DedupeId); // never the publisher it claims: no one else's dedupe or audit identity
    }

    [Fact]
    public void A_CloudEvent_with_JSON_data_from_the_official_library_becomes_an_envelope()
    {
        var cloudEvent = OfficialEvent("ce-1", JsonDocument.Parse("""{"orderId":"12345"}""").RootElement, "application/json");
        cloudEvent["partitionkey"] = "customer-9";
        cloudEvent["region"] = "eu";

        var envelope = One(Structured(Official.EncodeStructuredModeMessage(cloudEvent, out _)));

        Assert.Equal("ce-1", envelope.Id);
        Assert.Equal("urn:contoso:orders", envelope.Source);
        Assert.Equal("order.created", envelope.Type);
        Assert.Equal("orders/12345", envelope.Subject);
        Assert.Equal(Occurred, envelope.Time);
        Assert.Equal("application/json", envelope.DataContentType);
        Assert.Equal("""{"orderId":"12345"}""", Encoding.UTF8.GetString(envelope.Data.Span));
        Assert.Equal("customer-9", envelope.OrderingKey);
        Assert.Equal("transport-corr", envelope.CorrelationId);
        Assert.Equal("source:erp", envelope.Publisher);
        Assert.Equal("source:erp/ce-1", envelope.DedupeId);
        Assert.Equal(new KeyValuePair<string, string>("region", "eu"), Assert.Single(envelope.Properties));
    }

    [Fact]
    public void A_CloudEvent_with_binary_data_from_the_official_library_keeps_the_bytes()
    {
        byte[] bytes = [0x25, 0x50, 0x44, 0x46, 0x00, 0xFF];
        var cloudEvent = OfficialEvent("ce-2", bytes, "application/pdf");

        var envelope = One(Structured(Official.EncodeStructuredModeMessage(cloudEvent, out _)));

        Assert.Equal(bytes, envelope.Data.ToArray());
        Assert.Equal("application/pdf", envelope.DataContentType);
        Assert.Equal("ce-2", envelope.Id);
    }

    [Fact]
    public void A_batch_from_the_official_library_becomes_one_envelope_per_event()
    {
        var events = new[]
        {
            OfficialEvent("b-1", JsonDocument.Parse("""{"n":1}""").RootElement, "application/json"),
            OfficialEvent("b-2", "plain text", "text/plain"),
        };
        var body = Official.EncodeBatchModeMessage(events, out var contentType);

        var result = SourceStandardiser.Standardise(SourceName, Structured(body, contentType.ToString()), Mapping(), Now);

        Assert.False(result.Failed, result.FailureDescription);
        Assert.Equal(["b-1", "b-2"], result.Envelopes.Select(e => e.Id));
        Assert.Equal("""{"n":1}""", Encoding.UTF8.GetString(result.Envelopes[0].Data.Span));
        Assert.Equal("plain text", Encoding.UTF8.GetString(result.Envelopes[1].Data.Span));
        Assert.Equal("text/plain", result.Envelopes[1].DataContentType);
    }

    [Fact]
    public void The_mapping_fills_what_the_CloudEvent_lacks_and_nothing_else()
    {
        var mapping = Mapping(type: "fallback.type");
        mapping.Source = "/fallback";
        mapping.SubjectFrom = "data:/kind";
        mapping.OrderingKeyFrom = "property:customer";
        mapping.CorrelationIdFrom = "property:flow";
        mapping.Extensions = new() { ["region"] = "property:region", ["tenant"] = "property:tenant" };
        var message = Structured("""{"specversion":"1.0","id":"x-1","region":"eu","data":{"kind":"k-1"}}""") with
        {
            Properties = new Dictionary<string, object?> { ["customer"] = "c-9", ["flow"] = "flow-1", ["region"] = "us", ["tenant"] = "t-1" },
        };

        var envelope = One(message, mapping);

        Assert.Equal("x-1", envelope.Id);
        Assert.Equal("fallback.type", envelope.Type);
        Assert.Equal("/fallback", envelope.Source);
        Assert.Equal("k-1", envelope.Subject);
        Assert.Equal("c-9", envelope.OrderingKey);
        Assert.Equal("flow-1", envelope.CorrelationId);
        Assert.Equal(Now, envelope.Time);
        Assert.Equal("eu", envelope.Properties["region"]);
        Assert.Equal("t-1", envelope.Properties["tenant"]);
    }

    [Fact]
    public void The_CloudEvent_attributes_win_over_the_mapping()
    {
        var mapping = Mapping(type: "fallback.type");
        mapping.Source = "/fallback";
        mapping.OrderingKeyFrom = "messageId";
        var message = Structured("""{"specversion":"1.0","id":"x-1","type":"own.type","source":"/own","partitionkey":"own-key","correlationid":"own-corr","data":null}""");

        var envelope = One(message, mapping);

        Assert.Equal("own.type", envelope.Type);
        Assert.Equal("/own", envelope.Source);
        Assert.Equal("own-key", envelope.OrderingKey);
        Assert.Equal("own-corr", envelope.CorrelationId);
    }

    [Theory]
    [InlineData("{\"specversion\":\"1.0\",", "The body is not JSON, yet its content type is 'application/cloudevents+json': ")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"/s","type":"t"}""", "Unsupported CloudEvents specversion '0.3'.")]
    [InlineData("""{"id":"1","source":"/s","type":"t"}""", "Unsupported CloudEvents specversion ''.")]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"t"}""", "The CloudEvent has no id; a CloudEvent must carry one, and a mapping cannot give it.")]
    [InlineData("""{"specversion":"1.0","id":5,"source":"/s","type":"t"}""", "An attribute has the wrong JSON type: ")]
    [InlineData("""[{"specversion":"1.0"}]""", "A CloudEvent must be a JSON object.")]
    public void A_structured_message_that_is_no_valid_CloudEvent_is_InvalidCloudEvent(string json, string expected)
    {
        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Structured(json));

        Assert.StartsWith(expected, description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CloudEvent_without_type_is_InvalidCloudEvent_when_the_mapping_gives_none()
    {
        var mapping = Mapping(type: null);
        mapping.TypeFrom = "property:kind";

        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Structured("""{"specversion":"1.0","id":"1","source":"/s"}"""), mapping);

        Assert.Equal("The CloudEvent has no type, and the mapping gives none: Mapping:TypeFrom 'property:kind' gave nothing and Mapping:Type is not set.", description);
    }

    [Fact]
    public void A_CloudEvent_without_source_is_InvalidCloudEvent_when_the_mapping_names_none()
    {
        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Structured("""{"specversion":"1.0","id":"1","type":"t"}"""));

        Assert.Equal("The CloudEvent has no source, and the mapping gives none: Mapping:SourceFrom is not set and Mapping:Source is not set.", description);
    }

    [Fact]
    public void A_CloudEvent_attribute_Bridge_cannot_carry_is_InvalidCloudEvent()
    {
        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Structured("""{"specversion":"1.0","id":"has space","source":"/s","type":"t"}"""));

        Assert.Equal("id \"has space\" (from the CloudEvent) must be 1 to 128 visible ASCII characters (no spaces): it is sent as an HTTP header on delivery.", description);
    }

    [Fact]
    public void A_batch_that_is_no_array_is_InvalidCloudEvent()
    {
        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Structured("""{"specversion":"1.0"}""", "application/cloudevents-batch+json"));

        Assert.Equal("A CloudEvents batch is a JSON array; this body is a JSON object.", description);
    }

    [Fact]
    public void A_bad_event_in_a_batch_fails_the_batch_and_is_named()
    {
        var json = """[{"specversion":"1.0","id":"1","source":"/s","type":"t"},{"specversion":"1.0","source":"/s","type":"t"}]""";

        var description = Failure(SourceFailureReasons.InvalidCloudEvent, Structured(json, "application/cloudevents-batch+json"));

        Assert.Equal("Event 1 of the batch: The CloudEvent has no id; a CloudEvent must carry one, and a mapping cannot give it.", description);
    }

    [Fact]
    public void An_empty_batch_has_no_envelopes()
    {
        var result = SourceStandardiser.Standardise(SourceName, Structured("[]", "application/cloudevents-batch+json"), Mapping(), Now);

        Assert.False(result.Failed);
        Assert.Empty(result.Envelopes);
    }
}
