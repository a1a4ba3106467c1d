using Bridge.Tests.Infrastructure;
using Bridge.Webhooks;

namespace Bridge.Tests.Unit;

public sealed class WebhookSignerTests
{
    [Fact]
    public void Signature_matches_the_published_Standard_Webhooks_test_vector()
    {
        var signer = new WebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        var signature = signer.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""u8);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Signature_verifies_with_an_independent_verifier_and_fails_on_any_change()
    {
        var secret = WebhookSecret.Generate();
        var body = Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"abc"}""");
        var signature = new WebhookSigner(secret).Sign("abc", 1_700_000_000, body);

        Assert.True(StandardWebhooksVerifier.Verify(secret, "abc", "1700000000", signature, body, 1_700_000_010));
        Assert.False(StandardWebhooksVerifier.Verify(secret, "abd", "1700000000", signature, body, 1_700_000_010));
        Assert.False(StandardWebhooksVerifier.Verify(secret, "abc", "1700000001", signature, body, 1_700_000_010));
        Assert.False(StandardWebhooksVerifier.Verify(secret, "abc", "1700000000", signature, [.. body, (byte)' '], 1_700_000_010));
        Assert.False(StandardWebhooksVerifier.Verify(WebhookSecret.Generate(), "abc", "1700000000", signature, body, 1_700_000_010));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_not*base64")]
    [InlineData("whsec_c2hvcnQ=")]
    public void Malformed_secrets_are_refused_with_a_reason(string? secret)
    {
        Assert.False(WebhookSecret.TryParse(secret, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Generated_secrets_are_well_formed_and_distinct()
    {
        var a = WebhookSecret.Generate();
        var b = WebhookSecret.Generate();
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(32, WebhookSecret.Parse(a).Length);
        Assert.NotEqual(a, b);
    }
}
