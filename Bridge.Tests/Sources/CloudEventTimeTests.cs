using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class CloudEventTimeTests
{
    private const string NineDigits = "2026-12-07T10:00:00.123456789Z";

    private static readonly DateTimeOffset Truncated = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private static SourceMessage Binary(string time) => new()
    {
        Body = "{}"u8.ToArray(),
        ContentType = "application/json",
        Properties = new Dictionary<string, object?>
        {
            ["cloudEvents:specversion"] = "1.0",
            ["cloudEvents:id"] = "ce-1",
            ["cloudEvents:source"] = "urn:contoso:orders",
            ["cloudEvents:type"] = "order.created",
            ["cloudEvents:time"] = time,
        },
    };

    private static SourceMessage Structured(string time) => new()
    {
        Body = Encoding.UTF8.GetBytes($$$"""{"specversion":"1.0","id":"ce-1","source":"urn:contoso:orders","type":"order.created","time":"{{{time}}}","data":{"a": [1, 2]}}"""),
        ContentType = "application/cloudevents+json",
    };

    [Fact]
    public void A_binary_time_with_nine_fractional_digits_is_kept_to_the_tick()
    {
        Assert.Equal(Truncated, One(Binary(NineDigits)).Time);
    }

    [Fact]
    public void A_structured_time_with_nine_fractional_digits_is_kept_to_the_tick()
    {
        Assert.Equal(Truncated, One(Structured(NineDigits)).Time);
    }

    [Theory]
    [InlineData("2026-12-07T10:00:00.12345678901234567890Z")]
    [InlineData("2026-12-07t10:00:00.123456789z")]
    [InlineData("2026-12-07T11:00:00.1234567+01:00")]
    public void Any_RFC_3339_time_reads_alike_in_both_modes_and_the_data_stays_byte_for_byte(string time)
    {
        var structured = One(Structured(time));

        Assert.Equal(Truncated, structured.Time);
        Assert.Equal(Truncated, One(Binary(time)).Time);
        Assert.Equal("""{"a": [1, 2]}""", Encoding.UTF8.GetString(structured.Data.Span));
    }

    [Theory]
    [InlineData("2026-12-07T10:00:00.123")]
    [InlineData("2026-12-07T10:00:00.Z")]
    [InlineData("2026-12-07 10:00:00Z")]
    public void A_time_without_offset_or_otherwise_not_RFC_3339_is_InvalidCloudEvent_in_both_modes(string time)
    {
        var expected = $"The CloudEvent's time '{time}' is not an RFC 3339 timestamp such as 2025-06-14T10:00:00Z.";

        Assert.Equal(expected, Failure(SourceFailureReasons.InvalidCloudEvent, Binary(time)));
        Assert.Equal(expected, Failure(SourceFailureReasons.InvalidCloudEvent, Structured(time)));
    }
}
