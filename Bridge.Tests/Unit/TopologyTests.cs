using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bridge.Tests.Unit;

public sealed class TopologyTests
{
    private static Envelope Event(string type, string? subject = null, Dictionary<string, string>? properties = null) => new()
    {
        Id = "1",
        Source = "/s",
        Type = type,
        Subject = subject,
        Time = DateTimeOffset.UnixEpoch,
        Data = "{}"u8.ToArray(),
        CorrelationId = "c",
        Properties = properties ?? new Dictionary<string, string>(),
    };

    [Fact]
    public void Empty_filter_matches_everything() => Assert.True(EnvelopeFilter.All.Matches(Event("anything")));

    [Fact]
    public void Filter_conditions_are_combined_with_and()
    {
        var filter = EnvelopeFilter.From(new FilterOptions
        {
            Types = ["order.created", "order.updated"],
            Subject = "orders/*",
            Properties = new() { ["region"] = "eu" },
        });

        Assert.True(filter.Matches(Event("order.updated", "orders/1", new() { ["region"] = "eu", ["x"] = "y" })));
        Assert.False(filter.Matches(Event("order.deleted", "orders/1", new() { ["region"] = "eu" })));
        Assert.False(filter.Matches(Event("order.created", "invoices/1", new() { ["region"] = "eu" })));
        Assert.False(filter.Matches(Event("order.created", null, new() { ["region"] = "eu" })));
        Assert.False(filter.Matches(Event("order.created", "orders/1", new() { ["region"] = "us" })));
        Assert.False(filter.Matches(Event("order.created", "orders/1")));
    }

    [Fact]
    public void Subject_without_a_star_must_match_exactly()
    {
        var filter = new EnvelopeFilter { Subject = "orders/1" };
        Assert.True(filter.Matches(Event("t", "orders/1")));
        Assert.False(filter.Matches(Event("t", "orders/10")));
    }

    [Fact]
    public void Topology_binds_from_configuration_into_runtime_definitions()
    {
        var catalog = Build("""
            { "Bridge": { "Topics": {
                "erp-events": { "Subscriptions": { "sap": {
                    "Filter": { "Types": [ "order.created" ], "Properties": { "region": "eu" } },
                    "Webhook": { "Url": "https://hooks.example/sap", "Secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MaxAttempts": 4, "Concurrency": 2, "Timeout": "00:00:05" } } } },
                "crm-events": {} } } }
            """);

        Assert.Equal(["crm-events", "erp-events"], catalog.Topics.Select(t => t.Name));
        var sap = Assert.Single(catalog.Subscriptions);
        Assert.Equal(new SubscriptionAddress("erp-events", "sap"), sap.Address);
        Assert.Equal(["order.created"], sap.Spec.Filter.Types);
        Assert.Equal(4, sap.Spec.MaxDeliveryCount);
        Assert.Equal(2, sap.Webhook.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(5), sap.Webhook.Timeout);
    }

    [Theory]
    [InlineData("\"Url\": \"ftp://x/y\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Url")]
    [InlineData("\"Url\": \"https://user:pw@x/y\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Url")]
    [InlineData("\"Url\": \"https://x/y\", \"Secret\": \"plain\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Secret")]
    [InlineData("\"Url\": \"https://x/y\", \"MaxAttempts\": 0", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:MaxAttempts")]
    [InlineData("\"Url\": \"https://x/y\", \"Concurrency\": 0", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Concurrency")]
    [InlineData("\"Url\": \"https://x/y\", \"Timeout\": \"00:00:00\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Timeout")]
    public void Bad_topology_fails_at_start_up_naming_the_bad_entry(string webhook, string key)
    {
        if (!webhook.Contains("Secret", StringComparison.Ordinal))
        {
            webhook += ", \"Secret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"";
        }

        var error = Assert.Throws<OptionsValidationException>(() => Build(
            $$"""{ "Bridge": { "Topics": { "erp-events": { "Subscriptions": { "sap": { "Webhook": { {{webhook}} } } } } } } }"""));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_names_are_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(
            """{ "Bridge": { "Topics": { "ERP Events": { "Subscriptions": { "Bad/Name": { "Webhook": { "Url": "https://x", "Secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } } } } } } }"""));

        Assert.Contains("Bridge:Topics:ERP Events:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Subscriptions:Bad/Name:", error.Message, StringComparison.Ordinal);
    }

    private static TopologyCatalog Build(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddBridgeTopology().BuildServiceProvider();
        _ = services.GetRequiredService<IOptions<TopologyOptions>>().Value;
        return services.GetRequiredService<TopologyCatalog>();
    }
}
