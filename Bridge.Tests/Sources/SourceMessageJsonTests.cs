using Bridge.Publisher.Sources;
using Bridge.Sources;

namespace Bridge.Tests.Sources;

/// <summary>What a source dead letter keeps of a message's headers, and what a replay reads back.</summary>
public sealed class SourceMessageJsonTests
{
    [Fact]
    public void Headers_round_trip_with_their_types()
    {
        var time = new DateTimeOffset(2026, 12, 7, 10, 0, 0, 123, TimeSpan.Zero);
        var message = new SourceMessage
        {
            Body = new byte[] { 1, 2, 3 },
            ContentType = "application/pdf",
            MessageId = "m-1",
            CorrelationId = "c-1",
            SessionId = "s-1",
            Subject = "label",
            RoutingKey = "order.created",
            Properties = new Dictionary<string, object?>
            {
                ["text"] = "x",
                ["count"] = 42L,
                ["ratio"] = 0.5,
                ["flag"] = true,
                ["at"] = time,
                ["raw"] = new byte[] { 0, 255 },
                ["none"] = null,
            },
        };

        var back = SourceMessageJson.Message(SourceMessageJson.Headers(message), message.ContentType, [1, 2, 3]);

        Assert.Equal((message.MessageId, message.CorrelationId, message.SessionId, message.Subject, message.RoutingKey),
            (back.MessageId, back.CorrelationId, back.SessionId, back.Subject, back.RoutingKey));
        Assert.Equal("x", back.Properties["text"]);
        Assert.Equal(42L, back.Properties["count"]);
        Assert.Equal(0.5, back.Properties["ratio"]);
        Assert.Equal(true, back.Properties["flag"]);
        Assert.Equal(time, back.Properties["at"]);
        Assert.Equal(new byte[] { 0, 255 }, back.Properties["raw"]);
        Assert.Null(back.Properties["none"]);
    }

    [Fact]
    public void Values_no_store_or_json_writer_takes_are_kept_as_text_instead_of_failing()
    {
        var message = new SourceMessage
        {
            Body = ReadOnlyMemory<byte>.Empty,
            MessageId = "m\0-1",
            Properties = new Dictionary<string, object?>
            {
                ["nan"] = double.NaN,
                ["infinite"] = double.PositiveInfinity,
                ["nul"] = "a\0b",
                ["surrogate"] = "x\ud800y",
                ["ok\0name"] = "pair \ud83d\ude00",
            },
        };

        var back = SourceMessageJson.Message(SourceMessageJson.Headers(message), null, []);

        Assert.Equal("m\uFFFD-1", back.MessageId);
        Assert.Equal("NaN", back.Properties["nan"]);
        Assert.Equal("Infinity", back.Properties["infinite"]);
        Assert.Equal("a\uFFFDb", back.Properties["nul"]);
        Assert.Equal("x\uFFFDy", back.Properties["surrogate"]);
        Assert.Equal("pair \ud83d\ude00", back.Properties["ok\uFFFDname"]);
    }
}
