using Bridge.Sources;

namespace Bridge.Tests.Sources;

public sealed class SourceMappingRulesTests
{
    private static string[] Fields(SourceMapping mapping) => [.. SourceMappingRules.Validate(mapping).Select(p => p.Field)];

    [Fact]
    public void A_mapping_with_a_type_and_the_defaults_is_sound()
    {
        var mapping = new SourceMapping
        {
            Type = "order.created",
            TypeFrom = "data:/kind",
            SourceFrom = "routingKey",
            SubjectFrom = "subject",
            OrderingKeyFrom = "sessionId",
            IdFrom = SourceMapping.ContentHash,
            DataContentType = "text/csv; charset=utf-8",
            Extensions = new() { ["region"] = "property:x-region", ["tenant"] = "data:/a~1b/0" },
        };

        Assert.Empty(SourceMappingRules.Validate(mapping));
        Assert.Empty(SourceMappingRules.Validate(new SourceMapping { TypeFrom = "property:type" }));
    }

    [Fact]
    public void A_mapping_without_type_or_TypeFrom_is_refused()
    {
        var problem = Assert.Single(SourceMappingRules.Validate(new SourceMapping()));

        Assert.Equal("Mapping:Type", problem.Field);
        Assert.Equal("Set Type or TypeFrom: every event needs a type.", problem.Message);
    }

    [Theory]
    [InlineData(nameof(SourceMapping.TypeFrom), "header:kind")]
    [InlineData(nameof(SourceMapping.TypeFrom), "contentHash")]
    [InlineData(nameof(SourceMapping.SourceFrom), "property:")]
    [InlineData(nameof(SourceMapping.SubjectFrom), "data:kind")]
    [InlineData(nameof(SourceMapping.OrderingKeyFrom), "data:/a~2")]
    [InlineData(nameof(SourceMapping.CorrelationIdFrom), "MessageId")]
    [InlineData(nameof(SourceMapping.IdFrom), "hash")]
    public void An_expression_that_is_not_one_is_refused_by_name(string setting, string expression)
    {
        var mapping = new SourceMapping { Type = "t" };
        typeof(SourceMapping).GetProperty(setting)!.SetValue(mapping, expression);

        Assert.Equal(["Mapping:" + setting], Fields(mapping));
    }

    [Fact]
    public void A_bad_JSON_pointer_is_explained()
    {
        var problem = Assert.Single(SourceMappingRules.Validate(new SourceMapping { TypeFrom = "data:/a~2" }));

        Assert.Equal("Mapping:TypeFrom", problem.Field);
        Assert.Equal("has a JSON pointer that has a '~' not followed by 0 or 1; write '~0' for '~' and '~1' for '/' (was '/a~2').", problem.Message);
    }

    [Theory]
    [InlineData("Region", "property:r")]
    [InlineData("region-1", "property:r")]
    [InlineData("averyveryverylongname1", "property:r")]
    [InlineData("id", "property:r")]
    [InlineData("partitionkey", "property:r")]
    [InlineData("publisher", "property:r")]
    [InlineData("traceparent", "property:r")]
    [InlineData("region", "eu")]
    [InlineData("region", "")]
    public void A_bad_extension_is_refused_by_name(string name, string expression)
    {
        var mapping = new SourceMapping { Type = "t", Extensions = new() { [name] = expression } };

        Assert.Equal(["Mapping:Extensions:" + name], Fields(mapping));
    }

    [Theory]
    [InlineData(nameof(SourceMapping.Source), "http://[::1")]
    [InlineData(nameof(SourceMapping.DataContentType), "csv")]
    [InlineData(nameof(SourceMapping.Subject), "line\nbreak")]
    public void A_constant_Bridge_cannot_carry_is_refused_by_name(string setting, string value)
    {
        var mapping = new SourceMapping { Type = "t" };
        typeof(SourceMapping).GetProperty(setting)!.SetValue(mapping, value);

        Assert.Equal(["Mapping:" + setting], Fields(mapping));
    }

    [Fact]
    public void A_type_constant_too_long_is_refused()
    {
        Assert.Equal(["Mapping:Type"], Fields(new SourceMapping { Type = new string('t', 257) }));
    }
}
