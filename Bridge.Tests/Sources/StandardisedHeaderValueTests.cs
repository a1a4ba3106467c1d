using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

/// <summary>Values that end up in webhook headers never carry control characters: such a value fails the message, naming the attribute.</summary>
public sealed class StandardisedHeaderValueTests
{
    public static TheoryData<string, string> HostileValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var attribute in new[] { "type", "source", "subject", "partitionkey", "region" })
        {
            foreach (var value in new[] { "a\rb", "a\nX-Injected: 1", "a\0b", "a\u007fb", "a\u0085b" })
            {
                data.Add(attribute, value);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_mapped_value_with_a_control_character_is_MappingFailed(string attribute, string value)
    {
        var mapping = Mapping(type: null);
        mapping.TypeFrom = "property:x-type";
        switch (attribute)
        {
            case "type": mapping.TypeFrom = "property:hostile"; break;
            case "source": mapping.SourceFrom = "property:hostile"; break;
            case "subject": mapping.SubjectFrom = "property:hostile"; break;
            case "partitionkey": mapping.OrderingKeyFrom = "property:hostile"; break;
            default: mapping.Extensions = new() { [attribute] = "property:hostile" }; break;
        }
        var message = Json("{}", new Dictionary<string, object?> { ["hostile"] = value, ["x-type"] = "order.created" });

        var description = Failure(SourceFailureReasons.MappingFailed, message, mapping);

        Assert.StartsWith($"{attribute} \"a\\", description, StringComparison.Ordinal);
        Assert.EndsWith("'property:hostile') must not contain control characters.", description, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_binary_CloudEvent_attribute_with_a_control_character_is_InvalidCloudEvent(string attribute, string value)
    {
        var properties = new Dictionary<string, object?>
        {
            ["cloudEvents:specversion"] = "1.0",
            ["cloudEvents:id"] = "ce-1",
            ["cloudEvents:source"] = "urn:contoso:orders",
            ["cloudEvents:type"] = "order.created",
            ["cloudEvents:" + attribute] = value,
        };
        var message = new SourceMessage { Body = "{}"u8.ToArray(), ContentType = "application/json", Properties = properties };

        var description = Failure(SourceFailureReasons.InvalidCloudEvent, message);

        Assert.StartsWith($"{attribute} \"a\\", description, StringComparison.Ordinal);
        Assert.EndsWith("(from the CloudEvent) must not contain control characters.", description, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_structured_CloudEvent_attribute_with_a_control_character_is_InvalidCloudEvent(string attribute, string value)
    {
        var attributes = new Dictionary<string, string>
        {
            ["specversion"] = "1.0",
            ["id"] = "ce-1",
            ["source"] = "urn:contoso:orders",
            ["type"] = "order.created",
            [attribute] = value,
        };
        var message = new SourceMessage
        {
            Body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(attributes),
            ContentType = "application/cloudevents+json",
        };

        var description = Failure(SourceFailureReasons.InvalidCloudEvent, message);

        Assert.StartsWith($"{attribute} \"a\\", description, StringComparison.Ordinal);
        Assert.EndsWith("(from the CloudEvent) must not contain control characters.", description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_structured_extension_that_is_a_JSON_object_over_several_lines_is_InvalidCloudEvent()
    {
        var message = new SourceMessage
        {
            Body = "{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"source\":\"/s\",\"type\":\"t\",\"region\":{\n\"a\":1}}"u8.ToArray(),
            ContentType = "application/cloudevents+json",
        };

        Assert.Equal(
            "region \"{\\n\\\"a\\\":1}\" (from the CloudEvent) must not contain control characters.",
            Failure(SourceFailureReasons.InvalidCloudEvent, message));
    }

    [Fact]
    public void A_datacontenttype_with_a_line_break_is_InvalidCloudEvent()
    {
        var properties = new Dictionary<string, object?>
        {
            ["cloudEvents:specversion"] = "1.0",
            ["cloudEvents:id"] = "ce-1",
            ["cloudEvents:source"] = "urn:contoso:orders",
            ["cloudEvents:type"] = "order.created",
            ["cloudEvents:datacontenttype"] = "text/plain\r\nX-Injected: 1",
        };

        var description = Failure(SourceFailureReasons.InvalidCloudEvent, new SourceMessage { Body = "hi"u8.ToArray(), Properties = properties });

        Assert.StartsWith("datacontenttype", description, StringComparison.Ordinal);
    }
}
