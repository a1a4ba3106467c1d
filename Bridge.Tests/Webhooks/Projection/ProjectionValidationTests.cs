using Bridge.Webhooks.Projection;
using Microsoft.Extensions.Configuration;

namespace Bridge.Tests.Webhooks.Projection;

/// <summary>A projection that cannot work stops the start, and is refused by the API, with the setting at fault named.</summary>
public sealed class ProjectionValidationTests
{
    private const string Key = "Bridge:Topics:orders:Subscriptions:erp";

    /// <summary>What is wrong, the projection, the configuration key named (under <c>…:Webhook</c>) and the API field named.</summary>
    public static TheoryData<string, ProjectionOptions, string, string> Refused => new()
    {
        { "a pointer without its leading slash", new() { Fields = new() { ["orderId"] = "order/id" } }, ":Projection:Fields:orderId must be a JSON Pointer starting with '/'", "projection.fields.orderId" },
        { "the whole-document pointer", new() { Fields = new() { ["all"] = "" } }, ":Projection:Fields:all must be a JSON Pointer", "projection.fields.all" },
        { "no pointer at all", new() { Fields = new() { ["orderId"] = null! } }, ":Projection:Fields:orderId must be a JSON Pointer", "projection.fields.orderId" },
        { "a '~' escape other than ~0 or ~1", new() { Fields = new() { ["x"] = "/a~2b" } }, ":Projection:Fields:x has a '~' not followed by 0 or 1", "projection.fields.x" },
        { "a '~' at the end", new() { Fields = new() { ["x"] = "/a~" } }, ":Projection:Fields:x has a '~'", "projection.fields.x" },
        { "a pointer over 1000 characters", new() { Fields = new() { ["x"] = "/" + new string('a', 1000) } }, ":Projection:Fields:x must be at most 1000 characters", "projection.fields.x" },
        { "an empty output name", new() { Fields = new() { [""] = "/a" } }, ":Projection:Fields has an empty output name", "projection.fields" },
        { "an output name over 200 characters", new() { Fields = new() { [new string('n', 201)] = "/a" } }, $":Projection:Fields:{new string('n', 200)} is no valid output name", $"projection.fields.{new string('n', 200)}" },
        { "an output name with a line break", new() { Constants = new() { ["a\nb"] = "x" } }, ":Projection:Constants:a\nb is no valid output name", "projection.constants.a\nb" },
        { "a constant named like a field", new() { Fields = new() { ["channel"] = "/c" }, Constants = new() { ["channel"] = "bridge" } }, ":Projection:Constants:channel is also the name of a field", "projection.constants.channel" },
        { "a constant over 1000 characters", new() { Constants = new() { ["c"] = new string('c', 1001) } }, ":Projection:Constants:c must be a string of at most 1000 characters", "projection.constants.c" },
        { "an empty field list", new() { Fields = [] }, ":Projection:Fields must name at least one field", "projection.fields" },
        { "nothing to do", new(), ":Projection must set fields, constants or flatten", "projection" },
        { "101 entries", new() { Fields = Enumerable.Range(0, 60).ToDictionary(i => $"f{i}", i => $"/f{i}"), Constants = Enumerable.Range(0, 41).ToDictionary(i => $"c{i}", _ => "x") }, ":Projection may hold at most 100 fields and constants together (has 101)", "projection" },
        { "an empty separator", new() { Flatten = "" }, ":Projection:Flatten must be 1-3 printable ASCII characters", "projection.flatten" },
        { "a four-character separator", new() { Flatten = "----" }, ":Projection:Flatten must be 1-3", "projection.flatten" },
        { "a space as separator", new() { Flatten = " " }, ":Projection:Flatten must be 1-3", "projection.flatten" },
        { "a tab in the separator", new() { Flatten = ".\t" }, ":Projection:Flatten must be 1-3", "projection.flatten" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void An_invalid_projection_is_refused_naming_the_setting(string what, ProjectionOptions projection, string configuration, string api)
    {
        var failures = TopologyValidator.ValidateSubscription(Key, "erp", Subscription(projection));
        Assert.True(failures.Any(f => f.StartsWith($"{Key}:Webhook{configuration}", StringComparison.Ordinal)), $"{what}: {string.Join(" | ", failures)}");

        var problems = ProjectionRules.Validate(projection).ToList();
        Assert.True(problems.Any(p => p.ApiField == api), $"{what}: {string.Join(" | ", problems.Select(p => p.ApiField))}");
        Assert.Throws<ArgumentException>(() => WebhookProjection.From(projection));
    }

    [Fact]
    public void A_projection_bound_from_configuration_passes_and_compiles()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{Key}:Webhook:Url"] = "https://hooks.example.com/in",
            [$"{Key}:Webhook:Secret"] = Support.TestTopology.Secret,
            [$"{Key}:Webhook:Projection:Fields:orderId"] = "/order/id",
            [$"{Key}:Webhook:Projection:Fields:city"] = "/customer/address/city",
            [$"{Key}:Webhook:Projection:Constants:channel"] = "bridge",
            [$"{Key}:Webhook:Projection:Flatten"] = "_",
        }).Build();
        var options = configuration.GetSection(TopologyOptions.SectionName).Get<TopologyOptions>()!;

        Assert.True(new TopologyValidator().Validate(null, options).Succeeded);
        var projection = TopologyCatalog.Define("orders", "erp", options.Topics["orders"].Subscriptions["erp"]).PushTarget.Projection;
        Assert.NotNull(projection);
        Assert.Equal("/customer/address/city", projection.Options.Fields!["city"]);
        Assert.Equal("bridge", projection.Options.Constants!["channel"]);
        Assert.Null(TopologyCatalog.Define("orders", "erp", Subscription(null)).PushTarget.Projection);
    }

    [Fact]
    public void Escaped_pointers_and_one_to_three_character_separators_are_valid()
    {
        foreach (var projection in new ProjectionOptions[]
        {
            new() { Fields = new() { ["a"] = "/a~1b/~0c", ["empty"] = "/", ["index"] = "/lines/0" } },
            new() { Flatten = "." },
            new() { Flatten = "__" },
            new() { Flatten = "->" },
            new() { Constants = new() { ["c"] = "" } },
        })
        {
            Assert.Empty(ProjectionRules.Validate(projection));
            Assert.Empty(TopologyValidator.ValidateSubscription(Key, "erp", Subscription(projection)));
        }
    }

    private static SubscriptionOptions Subscription(ProjectionOptions? projection) => new()
    {
        Webhook = new WebhookOptions { Url = "https://hooks.example.com/in", Secret = Support.TestTopology.Secret, Projection = projection },
    };
}
