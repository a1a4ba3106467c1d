using System.Text.Json.Nodes;
using Bridge.Transport.AzureServiceBus;
using Microsoft.Extensions.Configuration;

namespace Bridge.Tests.Transport.AzureServiceBus;

/// <summary>
/// The rules an AppHost declares for each subscription (the emulator's configuration, Bicep) are the ones the
/// provisioner creates on a namespace: the subscription's filter and its resubmit rule, nothing else.
/// </summary>
public sealed class ServiceBusDeclarationsTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Bridge:Topics:orders:Subscriptions:erp:Filter:Types:0"] = "order.created",
        ["Bridge:Topics:orders:Subscriptions:erp:Filter:Subject"] = "orders/*",
        ["Bridge:Topics:orders:Subscriptions:all:Webhook:Url"] = "https://example.invalid/all", // no secret: the rules do not need it
        ["Bridge:Topics:crm:Subscriptions:sync:Filter:Properties:region"] = "emea",
    }).Build();

    [Fact]
    public void Each_configured_subscription_declares_the_provisioners_filter_and_resubmit_rules_and_nothing_else()
    {
        var rules = ServiceBusDeclarations.Rules(Configuration);

        Assert.Equal(6, rules.Count);
        var erp = new SubscriptionSpec(new("orders", "erp"), new EnvelopeFilter { Types = ["order.created"], Subject = "orders/*" }, 10, TimeSpan.FromMinutes(1));
        Assert.Equal(
            ServiceBusRules.For(erp).Select(r => (r.Key, r.Value.SqlExpression)),
            rules.Where(r => r is { Topic: "orders", Subscription: "erp" }).Select(r => (r.Name, r.SqlExpression)));
        Assert.Contains(new DeclaredRule("orders", "all", ServiceBusRules.FilterRule, "user.[bridge_resubmit] IS NULL"), rules);
        Assert.Contains(new DeclaredRule("crm", "sync", ServiceBusRules.ResubmitRule, "user.[bridge_resubmit] = 'sync'"), rules);
        Assert.All(rules, r => Assert.Contains(r.Name, new[] { ServiceBusRules.FilterRule, ServiceBusRules.ResubmitRule }));
    }

    [Fact]
    public void The_emulator_configuration_gets_the_rules_as_SQL_filters_in_place_of_any_it_had()
    {
        var config = JsonNode.Parse("""
            { "UserConfig": { "Namespaces": [ { "Name": "messaging", "Queues": [], "Topics": [
              { "Name": "orders", "Properties": {}, "Subscriptions": [
                { "Name": "erp", "Properties": { "RequiresSession": true }, "Rules": [ { "Name": "$Default" } ] },
                { "Name": "all", "Properties": {}, "Rules": [] } ] },
              { "Name": "crm", "Properties": {}, "Subscriptions": [ { "Name": "sync", "Properties": {}, "Rules": [] } ] } ] } ],
              "Logging": { "Type": "File" } } }
            """)!;

        ServiceBusDeclarations.WriteToEmulatorConfig(config, ServiceBusDeclarations.Rules(Configuration));

        var erp = config["UserConfig"]!["Namespaces"]![0]!["Topics"]![0]!["Subscriptions"]![0]!;
        Assert.True((bool)erp["Properties"]!["RequiresSession"]!);
        var rules = erp["Rules"]!.AsArray();
        Assert.Equal([ServiceBusRules.FilterRule, ServiceBusRules.ResubmitRule], rules.Select(r => (string)r!["Name"]!));
        Assert.All(rules, r => Assert.Equal("Sql", (string)r!["Properties"]!["FilterType"]!));
        Assert.Equal(
            "user.[bridge_resubmit] IS NULL AND user.[cloudEvents_type] IN ('order.created') AND user.[cloudEvents_subject] LIKE 'orders/%' ESCAPE '!'",
            (string)rules[0]!["Properties"]!["SqlFilter"]!["SqlExpression"]!);
        Assert.Equal(2, config["UserConfig"]!["Namespaces"]![0]!["Topics"]![1]!["Subscriptions"]![0]!["Rules"]!.AsArray().Count);
    }

    [Fact]
    public void A_subscription_missing_from_the_emulator_configuration_is_named()
    {
        var config = JsonNode.Parse("""{ "UserConfig": { "Namespaces": [ { "Name": "messaging", "Topics": [] } ] } }""")!;

        var failure = Assert.Throws<InvalidOperationException>(() => ServiceBusDeclarations.WriteToEmulatorConfig(config, ServiceBusDeclarations.Rules(Configuration)));

        Assert.Contains("crm/sync", failure.Message, StringComparison.Ordinal);
    }
}
