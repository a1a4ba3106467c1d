using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bridge.Tests.Topology;

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
        Assert.Equal(2, sap.PushTarget.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(5), sap.PushTarget.Timeout);
        Assert.Equal(EndpointProtection.Default, sap.PushTarget.Protection);
    }

    [Fact]
    public void Endpoint_protection_binds_per_webhook()
    {
        var catalog = Build("""
            { "Bridge": { "Topics": { "erp-events": { "Subscriptions": { "sap": { "Webhook": {
                "Url": "https://hooks.example/sap", "Secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "RateLimitPerSecond": 25, "PauseAfterConsecutiveFailures": 7, "ProbeInterval": "00:00:15",
                "CircuitBreaker": { "FailureRatio": 0.8, "MinimumThroughput": 4, "SamplingDuration": "00:00:20", "BreakDuration": "00:00:05", "SuccessesToClose": 5 } } } } } } } }
            """);

        Assert.Equal(
            new EndpointProtection(0.8, 4, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5), 7, TimeSpan.FromSeconds(15), 25) { SuccessesToClose = 5 },
            Assert.Single(catalog.Subscriptions).PushTarget.Protection);
    }

    [Theory]
    [InlineData("\"Url\": \"ftp://x/y\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Url")]
    [InlineData("\"Url\": \"https://user:pw@x/y\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Url")]
    [InlineData("\"Url\": \"https://x/y\", \"Secret\": \"plain\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Secret")]
    [InlineData("\"Url\": \"https://x/y\", \"MaxAttempts\": 0", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:MaxAttempts")]
    [InlineData("\"Url\": \"https://x/y\", \"Concurrency\": 0", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Concurrency")]
    [InlineData("\"Url\": \"https://x/y\", \"Timeout\": \"00:00:00\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Timeout")]
    [InlineData("\"Url\": \"https://x/y\", \"RateLimitPerSecond\": 0", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:RateLimitPerSecond")]
    [InlineData("\"Url\": \"https://x/y\", \"PauseAfterConsecutiveFailures\": -1", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:PauseAfterConsecutiveFailures")]
    [InlineData("\"Url\": \"https://x/y\", \"ProbeInterval\": \"00:00:00\"", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:ProbeInterval")]
    [InlineData("\"Url\": \"https://x/y\", \"CircuitBreaker\": { \"FailureRatio\": 1.5 }", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:CircuitBreaker:FailureRatio")]
    [InlineData("\"Url\": \"https://x/y\", \"CircuitBreaker\": { \"MinimumThroughput\": 1 }", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:CircuitBreaker:MinimumThroughput")]
    [InlineData("\"Url\": \"https://x/y\", \"CircuitBreaker\": { \"BreakDuration\": \"00:00:00.1\" }", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:CircuitBreaker:BreakDuration")]
    [InlineData("\"Url\": \"https://x/y\", \"CircuitBreaker\": { \"SuccessesToClose\": 0 }", "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:CircuitBreaker:SuccessesToClose")]
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

    [Theory]
    [InlineData("\"Delivery\": \"poll\"", "Bridge:Topics:erp-events:Subscriptions:sap:Delivery")]
    [InlineData("\"Delivery\": \"pull\", \"Pull\": { \"MaxDeliveries\": 0 }", "Bridge:Topics:erp-events:Subscriptions:sap:Pull:MaxDeliveries")]
    [InlineData("\"Delivery\": \"pull\", \"Pull\": { \"Owner\": \"two words\" }", "Bridge:Topics:erp-events:Subscriptions:sap:Pull:Owner")]
    public void Bad_delivery_settings_fail_at_start_up_naming_the_bad_entry(string settings, string key)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(
            $$"""{ "Bridge": { "Topics": { "erp-events": { "Subscriptions": { "sap": { {{settings}} } } } } } }"""));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retry_schedule_sets_the_attempts_and_bad_delays_are_refused()
    {
        var catalog = Build("""{ "Bridge": { "Topics": { "erp-events": { "Subscriptions": { "sap": { "Webhook": { "Url": "https://x/y", "Secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MaxAttempts": 3, "RetrySchedule": ["00:00:05", "00:05:00", "02:00:00"] } } } } } } }""");
        var sap = Assert.Single(catalog.Subscriptions);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromHours(2)], sap.PushTarget.RetrySchedule);
        Assert.Equal(4, sap.PushTarget.MaxAttempts);
        Assert.Equal(4, sap.Spec.MaxDeliveryCount);

        var error = Assert.Throws<OptionsValidationException>(() => Build(
            """{ "Bridge": { "Topics": { "erp-events": { "Subscriptions": { "sap": { "Webhook": { "Url": "https://x/y", "Secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "RetrySchedule": ["00:00:05", "3.00:00:00"] } } } } } } }"""));
        Assert.Contains("Bridge:Topics:erp-events:Subscriptions:sap:Webhook:RetrySchedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_is_resolved_and_bad_batch_settings_stop_the_start_naming_the_key()
    {
        const string webhook = "\"Url\": \"https://x/y\", \"Secret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"";
        static string Json(string settings) => $$"""{ "Bridge": { "Topics": { "erp-events": { "Subscriptions": { "sap": { "LockDuration": "00:00:30", "Webhook": { {{settings}} } } } } } } }""";
        var sap = Assert.Single(Build(Json(webhook + ", \"Batch\": { \"MaxEvents\": 50, \"MaxWaitMilliseconds\": 2000 }")).Subscriptions);
        Assert.Equal(new Bridge.Webhooks.Batches.WebhookBatching(50, TimeSpan.FromSeconds(2)), sap.PushTarget.Batch);
        Assert.Null(Assert.Single(Build(Json(webhook)).Subscriptions).PushTarget.Batch);

        const string key = "Bridge:Topics:erp-events:Subscriptions:sap:Webhook:Batch";
        foreach (var (batch, at) in new[]
        {
            ("\"Batch\": { \"MaxEvents\": 1 }", key + ":MaxEvents"),
            ("\"Batch\": { \"MaxEvents\": 1001 }", key + ":MaxEvents"),
            ("\"Batch\": { \"MaxWaitMilliseconds\": -1 }", key + ":MaxWaitMilliseconds"),
            ("\"Batch\": { \"MaxWaitMilliseconds\": 15000 }", key + ":MaxWaitMilliseconds must be below half the lock duration"),
            ("\"Format\": \"binary\", \"Batch\": { \"MaxEvents\": 10 }", key + " needs the structured format"),
            ("\"Format\": \"data\", \"Batch\": { \"MaxEvents\": 10 }", key + " needs the structured format"),
        })
        {
            var error = Assert.Throws<OptionsValidationException>(() => Build(Json(webhook + ", " + batch)));
            Assert.Contains(at, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_pull_subscription_needs_no_webhook_and_takes_its_limit_from_its_pull_settings()
    {
        var catalog = Build("""{ "Bridge": { "Topics": { "erp-events": { "Subscriptions": { "agent": { "Delivery": "pull", "LockDuration": "00:02:00", "Pull": { "MaxDeliveries": 5, "Owner": "erp-agent" } } } } } } }""");

        var agent = Assert.Single(catalog.Subscriptions);
        Assert.Null(agent.Webhook);
        Assert.Equal("erp-agent", agent.Pull?.Owner);
        Assert.Equal(5, agent.Spec.MaxDeliveryCount);
        Assert.Equal(TimeSpan.FromMinutes(2), agent.Spec.LockDuration);
        Assert.Throws<InvalidOperationException>(() => agent.PushTarget);
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
