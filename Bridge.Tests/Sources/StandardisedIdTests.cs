using System.Text.RegularExpressions;
using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed partial class StandardisedIdTests
{
    public static TheoryData<string> IdsThatCannotBeEventIds => new()
    {
        "order 77 / eu",
        new string('x', 300),
        "B\r\n77",
        "bestellung-ä",
    };

    [Theory]
    [MemberData(nameof(IdsThatCannotBeEventIds))]
    public void A_message_id_that_cannot_be_an_event_id_gives_a_derived_id_the_same_each_time(string messageId)
    {
        var message = Json("""{"orderId":"12345"}""") with { MessageId = messageId };

        var first = One(message);
        var redelivered = One(message);

        Assert.Matches(DerivedId(), first.Id);
        Assert.Equal(first.Id, redelivered.Id);
        Assert.Equal(first.Id, first.CorrelationId);
        Assert.Equal($"source:erp/{first.Id}", first.DedupeId);
    }

    [Fact]
    public void Derived_ids_differ_by_message_id_and_by_source()
    {
        var message = Json("{}") with { MessageId = "order 77" };
        var id = One(message).Id;

        Assert.NotEqual(id, One(message with { MessageId = "order 78" }).Id);
        Assert.NotEqual(id, Assert.Single(SourceStandardiser.Standardise("crm", message, Mapping(), Now).Envelopes).Id);
    }

    [Fact]
    public void An_IdFrom_value_that_cannot_be_an_event_id_gives_a_derived_id()
    {
        var mapping = Mapping();
        mapping.IdFrom = "property:business-id";
        var message = Json("{}", new Dictionary<string, object?> { ["business-id"] = "B 77" });

        var envelope = One(message, mapping);

        Assert.Matches(DerivedId(), envelope.Id);
        Assert.Equal(envelope.Id, One(message, mapping).Id);
    }

    [Fact]
    public void A_valid_message_id_is_kept_as_it_is()
    {
        Assert.Equal("msg-1", One(Json("{}") with { MessageId = "msg-1" }).Id);
    }

    [Theory]
    [InlineData("ce 1")]
    [InlineData("ce-1\r\nX-Injected: 1")]
    public void A_CloudEvent_s_own_id_that_cannot_be_an_event_id_is_InvalidCloudEvent(string id)
    {
        var message = new SourceMessage
        {
            Body = "{}"u8.ToArray(),
            ContentType = "application/json",
            MessageId = "transport-id",
            Properties = new Dictionary<string, object?>
            {
                ["cloudEvents:specversion"] = "1.0",
                ["cloudEvents:id"] = id,
                ["cloudEvents:source"] = "urn:contoso:orders",
                ["cloudEvents:type"] = "order.created",
            },
        };

        var description = Failure(SourceFailureReasons.InvalidCloudEvent, message);

        Assert.StartsWith("id \"ce", description, StringComparison.Ordinal);
        Assert.EndsWith("(from the CloudEvent) must be 1 to 128 visible ASCII characters (no spaces): it is sent as an HTTP header on delivery.", description, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[0-9a-f]{12}8[0-9a-f]{3}[89ab][0-9a-f]{15}$")]
    private static partial Regex DerivedId();
}
