using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Webhooks.Projection;

namespace Bridge.Tests.Webhooks.Projection;

/// <summary>The projection's rules on a JSON object: select and rename, JSON Pointer escapes, flatten, constants, and what cannot be projected.</summary>
public sealed class WebhookProjectionTests
{
    private const string Order = """
        {
          "order": { "id": "A-1", "total": 12.5, "note": null, "lines": [ { "sku": "x-1" }, { "sku": "x-2" } ] },
          "customer": { "name": "Müller", "address": { "city": "Köln", "zip": "50667" } },
          "tags": [ "new", "eu" ],
          "empty": {},
          "internal": "not for the recipe"
        }
        """;

    [Fact]
    public void Fields_select_and_rename_values_anywhere_in_the_data_keeping_their_json_type()
    {
        var projected = Project(Order, new ProjectionOptions
        {
            Fields = new() { ["orderId"] = "/order/id", ["total"] = "/order/total", ["customer"] = "/customer/name", ["secondSku"] = "/order/lines/1/sku", ["address"] = "/customer/address" },
        });

        AssertJson("""{ "orderId": "A-1", "total": 12.5, "customer": "Müller", "secondSku": "x-2", "address": { "city": "Köln", "zip": "50667" } }""", projected);
        Assert.Equal(["orderId", "total", "customer", "secondSku", "address"], JsonNode.Parse(projected)!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void A_pointer_that_finds_nothing_leaves_its_field_out_while_a_null_it_finds_is_kept()
    {
        var projected = Project(Order, new ProjectionOptions
        {
            Fields = new()
            {
                ["note"] = "/order/note",
                ["missing"] = "/order/discount",
                ["pastTheEnd"] = "/order/lines/2/sku",
                ["leadingZero"] = "/order/lines/01/sku",
                ["dash"] = "/order/lines/-",
                ["intoAString"] = "/order/id/0",
                ["caseDiffers"] = "/Order/id",
                ["first"] = "/tags/0",
            },
        });

        AssertJson("""{ "note": null, "first": "new" }""", projected);
    }

    [Fact]
    public void Escaped_names_are_found_tilde_one_as_slash_tilde_zero_as_tilde()
    {
        var projected = Project("""{ "a/b": 1, "m~n": 2, "": 3, "~1": 4, "x": { "c/d~": 5 } }""", new ProjectionOptions
        {
            Fields = new() { ["slash"] = "/a~1b", ["tilde"] = "/m~0n", ["emptyName"] = "/", ["literal"] = "/~01", ["nested"] = "/x/c~1d~0" },
        });

        AssertJson("""{ "slash": 1, "tilde": 2, "emptyName": 3, "literal": 4, "nested": 5 }""", projected);
    }

    [Fact]
    public void Flatten_joins_nested_object_names_while_arrays_scalars_and_empty_objects_stay_values()
    {
        var projected = Project(Order, new ProjectionOptions { Flatten = "." });

        AssertJson("""
            {
              "order.id": "A-1", "order.total": 12.5, "order.note": null, "order.lines": [ { "sku": "x-1" }, { "sku": "x-2" } ],
              "customer.name": "Müller", "customer.address.city": "Köln", "customer.address.zip": "50667",
              "tags": [ "new", "eu" ], "empty": {}, "internal": "not for the recipe"
            }
            """, projected);
    }

    [Fact]
    public void Flatten_applies_to_selected_objects_under_their_new_names()
    {
        var projected = Project(Order, new ProjectionOptions { Fields = new() { ["buyer"] = "/customer", ["id"] = "/order/id" }, Flatten = "__" });

        AssertJson("""{ "buyer__name": "Müller", "buyer__address__city": "Köln", "buyer__address__zip": "50667", "id": "A-1" }""", projected);
    }

    [Fact]
    public void Constants_are_added_as_strings_and_win_over_data_of_the_same_name()
    {
        var projected = Project("""{ "orderId": "A-1", "channel": "shop" }""", new ProjectionOptions { Constants = new() { ["channel"] = "bridge", ["tenant"] = "eu-1" } });

        AssertJson("""{ "orderId": "A-1", "channel": "bridge", "tenant": "eu-1" }""", projected);
    }

    [Fact]
    public void Without_fields_the_whole_data_is_kept()
    {
        var projected = Project(Order, new ProjectionOptions { Constants = new() { ["source"] = "erp" } });

        var expected = JsonNode.Parse(Order)!.AsObject();
        expected["source"] = "erp";
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(projected)), Encoding.UTF8.GetString(projected));
    }

    [Fact]
    public void A_projected_envelope_carries_plain_json_without_the_dataschema_and_keeps_every_other_attribute()
    {
        var envelope = Envelope(Order, "application/vnd.shop.order+json") with { DataSchema = "urn:bridge:contract:order.created:v2" };

        Assert.True(Compile(new ProjectionOptions { Fields = new() { ["orderId"] = "/order/id" } }).TryApply(envelope, out var projected, out var error), error);

        AssertJson("""{ "orderId": "A-1" }""", projected.Data.ToArray());
        Assert.Equal("application/json", projected.DataContentType);
        Assert.Null(projected.DataSchema);
        Assert.Equal(envelope with { Data = projected.Data, DataContentType = "application/json", DataSchema = null }, projected);
    }

    [Theory]
    [InlineData("[1, 2]", "application/json", "the envelope's data is a JSON array")]
    [InlineData("\"text\"", "application/json", "the envelope's data is a JSON string")]
    [InlineData("null", "application/json", "the envelope's data is a JSON null")]
    [InlineData("{ \"a\": ", "application/json", "the envelope's data is not valid JSON")]
    [InlineData("{}", "text/plain", "the envelope's datacontenttype is 'text/plain'")]
    [InlineData("{}", "application/xml", "the envelope's datacontenttype is 'application/xml'")]
    public void Data_that_is_not_a_json_object_cannot_be_projected_and_the_reason_says_why(string data, string contentType, string reason)
    {
        var projection = Compile(new ProjectionOptions { Fields = new() { ["a"] = "/a" } });

        Assert.False(projection.TryApply(Envelope(data, contentType), out var projected, out var error));

        Assert.Null(projected);
        Assert.StartsWith("Projection needs JSON object data; ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_valid_projection_compiles_and_its_options_read_back_as_given()
    {
        Assert.Null(WebhookProjection.From(null));
        var invalid = Assert.Throws<ArgumentException>(() => WebhookProjection.From(new ProjectionOptions { Fields = new() { ["a"] = "a" } }));
        Assert.Contains("projection.fields.a", invalid.Message, StringComparison.Ordinal);

        var options = Compile(new ProjectionOptions { Fields = new() { ["a"] = "/x~1y" }, Constants = new() { ["c"] = "1" }, Flatten = "_" }).Options;
        Assert.Equal("/x~1y", options.Fields!["a"]);
        Assert.Equal("1", options.Constants!["c"]);
        Assert.Equal("_", options.Flatten);
    }

    private static WebhookProjection Compile(ProjectionOptions options) => WebhookProjection.From(options)!;

    private static byte[] Project(string data, ProjectionOptions options)
    {
        using var document = JsonDocument.Parse(data);
        return Compile(options).Apply(document.RootElement);
    }

    private static void AssertJson(string expected, byte[] actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), Encoding.UTF8.GetString(actual));

    private static Envelope Envelope(string data, string contentType) => new()
    {
        Id = "evt-1",
        Source = "/shop",
        Type = "order.created",
        Subject = "orders/A-1",
        Time = DateTimeOffset.UnixEpoch,
        DataContentType = contentType,
        Data = Encoding.UTF8.GetBytes(data),
        CorrelationId = "corr-1",
        OrderingKey = "customer-7",
    };
}
