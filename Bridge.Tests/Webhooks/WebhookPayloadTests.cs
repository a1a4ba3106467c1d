using Bridge.Webhooks;

namespace Bridge.Tests.Webhooks;

/// <summary>The format names and the header encoding of the binary and data formats.</summary>
public sealed class WebhookPayloadTests
{
    [Theory]
    [InlineData("order.created", "order.created")]
    [InlineData("a b", "a%20b")]
    [InlineData("say \"hi\"", "say%20%22hi%22")]
    [InlineData("100%", "100%25")]
    [InlineData("für", "f%C3%BCr")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("~!#$&'()*+,/:;=?@[]", "~!#$&'()*+,/:;=?@[]")]
    public void Header_values_are_percent_encoded_as_the_CloudEvents_HTTP_binding_requires(string value, string encoded)
    {
        Assert.Equal(encoded, WebhookPayload.Encode(value));
        Assert.Equal(value, Uri.UnescapeDataString(encoded));
    }

    [Theory]
    [InlineData("structured", WebhookFormat.Structured)]
    [InlineData("Binary", WebhookFormat.Binary)]
    [InlineData("DATA", WebhookFormat.Data)]
    public void Format_names_are_read_without_regard_to_case(string name, WebhookFormat format)
    {
        Assert.True(WebhookFormats.TryParse(name, out var read));
        Assert.Equal(format, read);
        Assert.Equal(name.ToLowerInvariant(), read.Name());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("xml")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_no_format_and_a_configured_one_fails_validation(string? name)
    {
        Assert.False(WebhookFormats.TryParse(name, out _));
        var options = new SubscriptionOptions { Webhook = new WebhookOptions { Url = "https://hooks.example.com/in", Secret = TestSecret, Format = name! } };
        var failures = TopologyValidator.ValidateSubscription("Bridge:Topics:orders:Subscriptions:erp", "erp", options);
        Assert.Contains(failures, f => f.Contains("Webhook:Format must be one of structured, binary, data", StringComparison.Ordinal));
    }

    private const string TestSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
}
