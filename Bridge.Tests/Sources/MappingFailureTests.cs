using Bridge.Sources;
using static Bridge.Tests.Sources.Standardising;

namespace Bridge.Tests.Sources;

public sealed class MappingFailureTests
{
    [Fact]
    public void No_type_is_MappingFailed_naming_the_expression_that_gave_nothing()
    {
        var mapping = Mapping(type: null);
        mapping.TypeFrom = "property:x";

        var description = Failure(SourceFailureReasons.MappingFailed, Json("{}"), mapping);

        Assert.Equal("No type: Mapping:TypeFrom 'property:x' gave nothing and Mapping:Type is not set.", description);
    }

    [Fact]
    public void No_type_setting_at_all_is_MappingFailed()
    {
        var description = Failure(SourceFailureReasons.MappingFailed, Json("{}"), Mapping(type: null));

        Assert.Equal("No type: Mapping:TypeFrom is not set and Mapping:Type is not set.", description);
    }

    [Fact]
    public void A_type_too_long_is_MappingFailed_naming_its_expression()
    {
        var mapping = Mapping(type: null);
        mapping.TypeFrom = "data:/kind";

        var description = Failure(SourceFailureReasons.MappingFailed, Json($$"""{"kind":"{{new string('t', 257)}}"}"""), mapping);

        Assert.Equal($"type \"{new string('t', 80)}…\" (from Mapping:TypeFrom 'data:/kind') must be 1 to 256 characters.", description);
    }

    [Fact]
    public void An_ordering_key_too_long_is_MappingFailed()
    {
        var mapping = Mapping();
        mapping.OrderingKeyFrom = "sessionId";

        var description = Failure(SourceFailureReasons.MappingFailed, Json("{}") with { SessionId = new string('s', 129) }, mapping);

        Assert.EndsWith("(from Mapping:OrderingKeyFrom 'sessionId') must be 1 to 128 characters.", description, StringComparison.Ordinal);
        Assert.StartsWith("partitionkey \"sss", description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_constant_source_that_is_no_URI_reference_is_MappingFailed()
    {
        var mapping = Mapping();
        mapping.Source = "http://[::1";

        var description = Failure(SourceFailureReasons.MappingFailed, Json("{}"), mapping);

        Assert.Equal("source \"http://[::1\" (from Mapping:Source) must be a URI reference.", description);
    }

    [Fact]
    public void An_extension_value_with_control_characters_is_MappingFailed()
    {
        var mapping = Mapping();
        mapping.Extensions = new() { ["region"] = "property:region" };

        var description = Failure(SourceFailureReasons.MappingFailed, Json("{}", new Dictionary<string, object?> { ["region"] = "eu\nwest" }), mapping);

        Assert.Equal("region \"eu\\nwest\" (from Mapping:Extensions:region 'property:region') must not contain control characters.", description);
    }

    [Fact]
    public void An_expression_that_is_not_one_is_MappingFailed_rather_than_an_exception()
    {
        var mapping = Mapping(type: null);
        mapping.TypeFrom = "header:kind";

        var description = Failure(SourceFailureReasons.MappingFailed, Json("{}"), mapping);

        Assert.Equal("Mapping:TypeFrom is not an expression (was 'header:kind'): use messageId, correlationId, sessionId, subject, routingKey, property:NAME or data:/json/pointer.", description);
    }
}
