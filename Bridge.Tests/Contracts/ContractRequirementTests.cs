
namespace Bridge.Tests.Contracts;

/// <summary>The contract requirement of a subscription: configuration checks and the decision per envelope.</summary>
public sealed class ContractRequirementTests
{
    private static readonly ContractRequirement Requirement = new("order.created", 2);

    [Theory]
    [InlineData("order.created", "urn:bridge:contract:order.created:2", null)]
    [InlineData("order.created", "urn:bridge:contract:order.created:3", null)]
    [InlineData("note.added", null, null)]
    [InlineData("order.created", "urn:bridge:contract:order.created:1", "version 1")]
    [InlineData("order.created", null, "no contract")]
    [InlineData("order.created", "https://schemas.example.com/order.json", "dataschema 'https://schemas.example.com/order.json'")]
    [InlineData("order.created", "urn:bridge:contract:invoice.paid:5", "dataschema 'urn:bridge:contract:invoice.paid:5'")]
    public void An_envelope_meets_the_requirement_only_with_that_contract_at_the_minimum_version_or_later(string type, string? dataSchema, string? found)
    {
        var envelope = new Envelope
        {
            Id = "m-1",
            Source = "/s",
            Type = type,
            Time = DateTimeOffset.UnixEpoch,
            Data = "{}"u8.ToArray(),
            CorrelationId = "c-1",
            DataSchema = dataSchema,
        };

        var mismatch = Requirement.Mismatch(envelope);

        if (found is null)
        {
            Assert.Null(mismatch);
        }
        else
        {
            Assert.NotNull(mismatch);
            Assert.Contains("urn:bridge:contract:order.created:2 or later", mismatch, StringComparison.Ordinal);
            Assert.Contains(found, mismatch, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_requirement_without_a_type_or_with_version_0_fails_validation_naming_the_key()
    {
        var options = new TopologyOptions();
        options.Topics["orders"] = new TopicOptions
        {
            Subscriptions =
            {
                ["sink"] = new SubscriptionOptions
                {
                    Webhook = new WebhookOptions { Url = "https://example.com/hook", Secret = Support.TestTopology.Secret },
                    Contract = new ContractRequirementOptions { Type = " ", MinVersion = 0 },
                },
            },
        };

        var result = new TopologyValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Bridge:Topics:orders:Subscriptions:sink:Contract:Type", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Bridge:Topics:orders:Subscriptions:sink:Contract:MinVersion", StringComparison.Ordinal));
    }
}
