using System.Text.Json;
using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class PlainMessageTests
{
    [Fact]
    public void A_JSON_message_becomes_an_envelope_with_the_body_as_data_and_the_mapping_for_attributes()
    {
        var message = Json("""{"orderId":"12345"}""") with { MessageId = "msg-1", CorrelationId = "corr-9" };

        var envelope = One(message);

        Assert.Equal("msg-1", envelope.Id);
        Assert.Equal("order.created", envelope.Type);
        Assert.Equal("urn:bridge:source:erp", envelope.Source);
        Assert.Equal("corr-9", envelope.CorrelationId);
        Assert.Equal(Now, envelope.Time);
        Assert.Equal("application/json", envelope.DataContentType);
        Assert.Equal("""{"orderId":"12345"}""", Encoding.UTF8.GetString(envelope.Data.Span));
        Assert.Equal("source:erp", envelope.Publisher);
        Assert.Equal("source:erp/msg-1", envelope.DedupeId);
        Assert.Null(envelope.Subject);
        Assert.Null(envelope.OrderingKey);
        Assert.Null(envelope.TraceParent);
        Assert.Empty(envelope.Properties);
    }

    [Fact]
    public void A_JSON_media_type_with_parameters_is_kept_as_given()
    {
        var envelope = One(Json("[1,2]", contentType: "application/vnd.erp+json; charset=utf-8"));

        Assert.Equal("application/vnd.erp+json; charset=utf-8", envelope.DataContentType);
        Assert.Equal("[1,2]", Encoding.UTF8.GetString(envelope.Data.Span));
    }

    [Fact]
    public void A_body_without_a_content_type_that_parses_as_JSON_is_JSON()
    {
        var envelope = One(Json(""" {"a":1} """, contentType: null));

        Assert.Equal("application/json", envelope.DataContentType);
        Assert.Equal(""" {"a":1} """, Encoding.UTF8.GetString(envelope.Data.Span));
    }

    [Fact]
    public void Bytes_without_a_content_type_are_octet_stream_and_travel_as_data_base64()
    {
        byte[] body = [0x00, 0xFF, 0x10, 0x7B];

        var envelope = One(new SourceMessage { Body = body });

        Assert.Equal("application/octet-stream", envelope.DataContentType);
        Assert.Equal(body, envelope.Data.ToArray());
        var json = JsonDocument.Parse(EnvelopeSerializer.Serialize(envelope)).RootElement;
        Assert.Equal("AP8Qew==", json.GetProperty("data_base64").GetString());
    }

    [Fact]
    public void Bytes_keep_the_message_content_type()
    {
        var envelope = One(new SourceMessage { Body = "a;b\n1;2\n"u8.ToArray(), ContentType = "text/csv" });

        Assert.Equal("text/csv", envelope.DataContentType);
        Assert.Equal("a;b\n1;2\n", Encoding.UTF8.GetString(envelope.Data.Span));
    }

    [Fact]
    public void The_mapping_gives_the_content_type_of_a_message_without_one()
    {
        var mapping = Mapping();
        mapping.DataContentType = "text/csv";

        var envelope = One(new SourceMessage { Body = "1;2"u8.ToArray() }, mapping);

        Assert.Equal("text/csv", envelope.DataContentType);
    }

    [Fact]
    public void The_message_content_type_wins_over_the_mapping()
    {
        var mapping = Mapping();
        mapping.DataContentType = "text/csv";

        var envelope = One(new SourceMessage { Body = "<a/>"u8.ToArray(), ContentType = "application/xml" }, mapping);

        Assert.Equal("application/xml", envelope.DataContentType);
    }

    [Fact]
    public void An_empty_body_is_JSON_null()
    {
        var envelope = One(new SourceMessage { Body = ReadOnlyMemory<byte>.Empty, ContentType = "application/octet-stream" });

        Assert.Equal("application/json", envelope.DataContentType);
        Assert.Equal("null", Encoding.UTF8.GetString(envelope.Data.Span));
    }

    [Fact]
    public void The_data_is_a_copy_of_the_body()
    {
        var body = Encoding.UTF8.GetBytes("""{"a":1}""");

        var envelope = One(new SourceMessage { Body = body, ContentType = "application/json" });
        body[6] = (byte)'2';

        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(envelope.Data.Span));
    }

    [Fact]
    public void A_byte_order_mark_before_JSON_is_left_out_of_the_data()
    {
        var envelope = One(new SourceMessage { Body = "\uFEFF{\"a\":1}"u8.ToArray(), ContentType = "application/json" });

        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(envelope.Data.Span));
        Assert.Equal("""{"a":1}""", JsonDocument.Parse(EnvelopeSerializer.Serialize(envelope)).RootElement.GetProperty("data").GetRawText());
    }

    [Fact]
    public void A_JSON_content_type_on_a_body_that_is_not_JSON_is_InvalidJson()
    {
        var description = Failure(SourceFailureReasons.InvalidJson, Json("{\"a\":", contentType: "application/json; charset=utf-8"));

        Assert.StartsWith("The body is not JSON, yet its content type is 'application/json; charset=utf-8': ", description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_content_type_that_is_no_media_type_is_refused()
    {
        var description = Failure(SourceFailureReasons.MappingFailed, new SourceMessage { Body = "x"u8.ToArray(), ContentType = "nonsense" });

        Assert.Equal("datacontenttype \"nonsense\" (from the message) must be a media type such as 'text/plain'.", description);
    }
}
