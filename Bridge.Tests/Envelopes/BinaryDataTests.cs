using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Bridge.Tests.Envelopes;

public sealed class BinaryDataTests
{
    private static readonly JsonEventFormatter Official = new();

    private static readonly byte[] NotUtf8 = [0x00, 0xFF, 0xFE, 0x80, 0xC3, 0x28, 0x7B, 0x0A];

    private static Envelope WithData(byte[] data, string contentType) => new()
    {
        Id = "bin-1",
        Source = "/erp/sap",
        Type = "file.received",
        Time = new DateTimeOffset(2025, 6, 14, 10, 0, 0, TimeSpan.Zero),
        DataContentType = contentType,
        Data = data,
        CorrelationId = "corr-1",
    };

    [Fact]
    public void Bytes_that_are_not_UTF_8_round_trip_through_data_base64()
    {
        var json = EnvelopeSerializer.Serialize(WithData(NotUtf8, "application/octet-stream"));
        var root = JsonDocument.Parse(json).RootElement;

        Assert.Equal(Convert.ToBase64String(NotUtf8), root.GetProperty("data_base64").GetString());
        Assert.False(root.TryGetProperty("data", out _));
        var copy = EnvelopeSerializer.Deserialize(json);
        Assert.Equal(NotUtf8, copy.Data.ToArray());
        Assert.Equal("application/octet-stream", copy.DataContentType);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8", "héllo, world")]
    [InlineData("application/xml", "<order id=\"1\"><sku>A-1</sku></order>")]
    public void Text_data_of_a_media_type_other_than_JSON_round_trips_as_bytes(string contentType, string text)
    {
        var data = Encoding.UTF8.GetBytes(text);
        var json = EnvelopeSerializer.Serialize(WithData(data, contentType));

        Assert.Equal(Convert.ToBase64String(data), JsonDocument.Parse(json).RootElement.GetProperty("data_base64").GetString());
        var copy = EnvelopeSerializer.Deserialize(json);
        Assert.Equal(text, Encoding.UTF8.GetString(copy.Data.Span));
        Assert.Equal(contentType, copy.DataContentType);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON; charset=utf-8")]
    [InlineData("text/json")]
    [InlineData("application/vnd.contoso.order+json")]
    public void Data_of_a_JSON_media_type_stays_inline(string contentType)
    {
        var json = EnvelopeSerializer.Serialize(WithData("""{"a":[1,2]}"""u8.ToArray(), contentType));
        var root = JsonDocument.Parse(json).RootElement;

        Assert.Equal("""{"a":[1,2]}""", root.GetProperty("data").GetRawText());
        Assert.False(root.TryGetProperty("data_base64", out _));
        Assert.Equal("""{"a":[1,2]}""", Encoding.UTF8.GetString(EnvelopeSerializer.Deserialize(json).Data.Span));
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData(" application/json ; charset=utf-8", true)]
    [InlineData("text/json", true)]
    [InlineData("application/cloudevents+json", true)]
    [InlineData("image/svg+json", true)]
    [InlineData("application/+json", false)]
    [InlineData("+json", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("text/plain", false)]
    [InlineData("application/octet-stream", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_media_type_is_JSON_by_its_type_and_subtype(string? mediaType, bool json) =>
        Assert.Equal(json, MediaTypes.IsJson(mediaType));

    [Fact]
    public void Data_and_data_base64_together_are_refused()
    {
        var json = """{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","data":"a","data_base64":"YQ=="}""";

        var error = Assert.Throws<FormatException>(() => EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("data_base64", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","data_base64":"not base64!"}""")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","data_base64":5}""")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/json","data_base64":"bm90IGpzb24="}""")]
    public void Data_base64_that_cannot_be_carried_is_refused(string json) =>
        Assert.Throws<FormatException>(() => EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_string_under_a_text_media_type_reads_as_its_UTF_8_bytes()
    {
        var json = """{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","data":"héllo"}""";

        var envelope = EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(json));

        Assert.Equal("héllo", Encoding.UTF8.GetString(envelope.Data.Span));
        Assert.Equal("t", envelope.Type);
    }

    [Fact]
    public void Data_base64_without_a_media_type_is_octet_stream()
    {
        var json = """{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":"AP8="}""";

        var envelope = EnvelopeSerializer.Deserialize(Encoding.UTF8.GetBytes(json));

        Assert.Equal([0x00, 0xFF], envelope.Data.ToArray());
        Assert.Equal("application/octet-stream", envelope.DataContentType);
    }

    [Fact]
    public void The_official_CloudEvents_library_reads_binary_data_as_bytes()
    {
        var envelope = WithData(NotUtf8, "application/pdf") with { Subject = "invoices/7" };

        var decoded = Official.DecodeStructuredModeMessage(EnvelopeSerializer.Serialize(envelope), new ContentType("application/cloudevents+json"), null);

        Assert.Equal(NotUtf8, Assert.IsType<byte[]>(decoded.Data));
        Assert.Equal("application/pdf", decoded.DataContentType);
        Assert.Equal("bin-1", decoded.Id);
        Assert.Equal("invoices/7", decoded.Subject);
    }

    [Fact]
    public void Bytes_encoded_by_the_official_CloudEvents_library_are_read_back()
    {
        var cloudEvent = new CloudEvent
        {
            Id = "official-1",
            Source = new Uri("urn:contoso:scanner"),
            Type = "scan.completed",
            Time = new DateTimeOffset(2025, 6, 14, 10, 0, 0, TimeSpan.Zero),
            DataContentType = "application/octet-stream",
            Data = NotUtf8,
        };

        var body = Official.EncodeStructuredModeMessage(cloudEvent, out _);
        var envelope = EnvelopeSerializer.Deserialize(body.Span);

        Assert.Equal(NotUtf8, envelope.Data.ToArray());
        Assert.Equal("application/octet-stream", envelope.DataContentType);
        Assert.Equal("official-1", envelope.Id);
        Assert.Equal("urn:contoso:scanner", envelope.Source);
        Assert.Equal("scan.completed", envelope.Type);
        Assert.Equal(cloudEvent.Time, envelope.Time);
    }
}
