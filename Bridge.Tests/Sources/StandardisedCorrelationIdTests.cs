using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class StandardisedCorrelationIdTests
{
    [Theory]
    [InlineData("corr 1")]
    [InlineData("corr-1\r\nX-Injected: 1")]
    [InlineData("corr\u00001")]
    public void A_broker_correlation_id_that_cannot_be_one_falls_back_to_the_event_id(string correlationId)
    {
        var envelope = One(Json("{}") with { MessageId = "msg-1", CorrelationId = correlationId });

        Assert.Equal("msg-1", envelope.CorrelationId);
    }

    [Fact]
    public void A_broker_correlation_id_too_long_falls_back_to_the_event_id()
    {
        var envelope = One(Json("{}") with { MessageId = "msg-1", CorrelationId = new string('c', 129) });

        Assert.Equal("msg-1", envelope.CorrelationId);
    }

    [Fact]
    public void A_mapped_correlation_id_that_cannot_be_one_falls_back_to_the_event_id()
    {
        var mapping = Mapping();
        mapping.CorrelationIdFrom = "data:/correlation";

        var envelope = One(Json("""{"correlation":"a\nb"}""") with { MessageId = "msg-1" }, mapping);

        Assert.Equal("msg-1", envelope.CorrelationId);
    }

    [Fact]
    public void A_broker_correlation_id_that_cannot_be_one_falls_back_to_a_CloudEvent_s_id()
    {
        var message = new SourceMessage
        {
            Body = """{"specversion":"1.0","id":"ce-1","source":"urn:contoso:orders","type":"order.created"}"""u8.ToArray(),
            ContentType = "application/cloudevents+json",
            CorrelationId = "corr 1",
        };

        Assert.Equal("ce-1", One(message).CorrelationId);
    }

    [Fact]
    public void A_CloudEvent_s_own_correlation_id_that_cannot_be_one_is_InvalidCloudEvent()
    {
        var message = new SourceMessage
        {
            Body = """{"specversion":"1.0","id":"ce-1","source":"urn:contoso:orders","type":"order.created","correlationid":"corr 1"}"""u8.ToArray(),
            ContentType = "application/cloudevents+json",
        };

        var description = Failure(SourceFailureReasons.InvalidCloudEvent, message);

        Assert.StartsWith("correlationid \"corr 1\" (from the CloudEvent) must be 1 to 128 visible ASCII characters", description, StringComparison.Ordinal);
    }
}
