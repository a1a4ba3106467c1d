using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class BinaryCloudEventRecognitionTests
{
    private static SourceMessage Message(params (string Name, object? Value)[] properties) => new()
    {
        Body = "{}"u8.ToArray(),
        ContentType = "application/json",
        MessageId = "transport-id",
        Properties = properties.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal),
    };

    [Theory]
    [InlineData("CloudEvents:")]
    [InlineData("CLOUDEVENTS_")]
    [InlineData("cloudevents:")]
    public void The_prefix_and_the_names_are_read_in_any_case(string prefix)
    {
        var envelope = One(Message(
            (prefix + "SpecVersion", "1.0"), (prefix + "ID", "ce-1"), (prefix + "Source", "urn:contoso:orders"),
            (prefix + "Type", "order.created"), (prefix + "Region", "eu")));

        Assert.Equal("ce-1", envelope.Id);
        Assert.Equal("urn:contoso:orders", envelope.Source);
        Assert.Equal("order.created", envelope.Type);
        Assert.Equal("eu", envelope.Properties["region"]);
    }

    [Fact]
    public void A_colon_attribute_wins_over_the_same_attribute_with_the_underscore_prefix_whatever_the_order()
    {
        (string, object?)[] properties =
        [
            ("cloudEvents_specversion", "1.0"), ("cloudEvents:id", "ce-1"), ("cloudEvents_source", "urn:contoso:orders"),
            ("cloudEvents_type", "underscore.type"), ("cloudEvents:type", "colon.type"),
            ("CLOUDEVENTS_region", "underscore"), ("cloudEvents:region", "colon"),
        ];

        var envelope = One(Message(properties));
        var reversed = One(Message([.. properties.Reverse()]));

        Assert.Equal("colon.type", envelope.Type);
        Assert.Equal("colon", envelope.Properties["region"]);
        Assert.Equal("colon.type", reversed.Type);
        Assert.Equal("colon", reversed.Properties["region"]);
    }

    [Fact]
    public void Names_alike_but_for_case_take_the_first_property_in_ordinal_order_whatever_the_order()
    {
        (string, object?)[] properties =
        [
            ("cloudEvents:specversion", "1.0"), ("cloudEvents:id", "ce-1"), ("cloudEvents:source", "urn:contoso:orders"),
            ("cloudEvents:type", "order.created"),
            ("cloudEvents:region", "lower"), ("cloudEvents:Region", "capital"), ("cloudEvents:REGION", "upper"),
        ];

        var envelope = One(Message(properties));
        var reversed = One(Message([.. properties.Reverse()]));

        Assert.Equal("upper", envelope.Properties["region"]); // "REGION" < "Region" < "region" in ordinal order
        Assert.Equal("upper", reversed.Properties["region"]);
        Assert.Single(envelope.Properties);
    }

    [Fact]
    public void A_message_without_a_specversion_under_either_prefix_is_no_CloudEvent()
    {
        var envelope = One(Message(("cloudEvents:id", "ce-1"), ("specversion", "1.0")) with { MessageId = "msg-1" });

        Assert.Equal("msg-1", envelope.Id);
        Assert.Equal("urn:bridge:source:erp", envelope.Source);
    }
}
