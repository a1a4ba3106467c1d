using Bridge.Transport.AzureServiceBus;

namespace Bridge.Tests.Transport.AzureServiceBus;

/// <summary>How envelope filters become Service Bus SQL filters, and how a session's head keeps its delivery count.</summary>
public sealed class ServiceBusRulesTests
{
    [Fact]
    public void An_empty_filter_takes_everything_except_dead_letters_resubmitted_to_another_subscription()
    {
        Assert.Equal("user.[bridge_resubmit] IS NULL", ServiceBusRules.Sql(EnvelopeFilter.All));
    }

    [Fact]
    public void Types_subject_prefix_and_properties_become_one_conjunction_with_quotes_and_wildcards_escaped()
    {
        var filter = new EnvelopeFilter
        {
            Types = ["order.created", "it's"],
            Subject = "orders/50%_off*",
            Properties = new Dictionary<string, string> { ["region"] = "emea", ["odd]name"] = "x" },
        };

        Assert.Equal(
            "user.[bridge_resubmit] IS NULL AND user.[cloudEvents_type] IN ('order.created', 'it''s') "
            + "AND user.[cloudEvents_subject] LIKE 'orders/50!%!_off%' ESCAPE '!' "
            + "AND user.[odd]]name] = 'x' AND user.[region] = 'emea'",
            ServiceBusRules.Sql(filter));
    }

    [Fact]
    public void An_exact_subject_is_compared_for_equality()
    {
        Assert.EndsWith("AND user.[cloudEvents_subject] = 'orders/1'", ServiceBusRules.Sql(new EnvelopeFilter { Subject = "orders/1" }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 3, 3)] // released at delivery 3: the next delivery is 3 again, the broker counts 4
    [InlineData(3, 4, 3)] // a deferred head received again: counted or not by the broker, it is the remembered count
    [InlineData(3, 5, 4)] // and a lock that expired in between spends one
    public void A_remembered_head_keeps_its_count_and_an_expired_lock_still_spends_one(int remembered, int brokerNow, int expected)
    {
        var head = new SessionHead(Sequence: 42, Deferred: true, NotBefore: null, Count: remembered, BrokerCount: 3);

        Assert.Equal(expected, SessionHead.DeliveryCount(head, 42, brokerNow));
        Assert.Equal(brokerNow, SessionHead.DeliveryCount(head, 43, brokerNow)); // another message: the broker's count
        Assert.Equal(brokerNow, SessionHead.DeliveryCount(null, 42, brokerNow));
    }

    [Fact]
    public void Session_state_round_trips_and_foreign_state_is_ignored()
    {
        var head = new SessionHead(7, true, 1_700_000_000_000, 2, 1);

        Assert.Equal(head, SessionHead.Parse(head.ToBinary()));
        Assert.Null(SessionHead.Parse(BinaryData.FromString("not json")));
        Assert.Null(SessionHead.Parse(null));
    }

    [Theory]
    [InlineData("https://contoso.servicebus.windows.net:443/", "contoso.servicebus.windows.net")]
    [InlineData("contoso.servicebus.windows.net", "contoso.servicebus.windows.net")]
    public void A_namespace_is_accepted_as_a_host_name_or_as_the_URI_an_AppHost_passes(string given, string expected)
    {
        Assert.False(ServiceBusConnection.IsConnectionString(given));
        Assert.Equal(expected, ServiceBusConnection.NamespaceOf(given));
    }

    [Fact]
    public void A_connection_string_is_told_apart_and_a_malformed_value_is_refused_naming_the_setting()
    {
        Assert.True(ServiceBusConnection.IsConnectionString("Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;"));
        var failure = Assert.Throws<InvalidOperationException>(() => ServiceBusConnection.NamespaceOf("no/such;thing"));
        Assert.Contains("Bridge:AzureServiceBus:ConnectionString", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_delivery_limit_recorded_on_a_subscription_is_read_back()
    {
        Assert.Equal(7, ServiceBusEnvelopes.LimitOf(ServiceBusEnvelopes.LimitMetadata(7)));
        Assert.Null(ServiceBusEnvelopes.LimitOf("something else"));
        Assert.Null(ServiceBusEnvelopes.LimitOf(null));
    }
}
