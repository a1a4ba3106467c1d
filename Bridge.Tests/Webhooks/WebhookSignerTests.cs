using System.Globalization;
using Bridge.Tests.Support;
using Bridge.Webhooks;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Bridge.Tests.Webhooks;

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
    public void Signature_is_the_one_the_official_library_computes_and_verifies_and_fails_on_any_change()
    {
        var secret = WebhookSecret.Generate();
        var body = Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"abc","data":{"city":"Zürich"}}""");
        var now = DateTimeOffset.UtcNow;
        var signature = new WebhookSigner(secret).Sign("abc", now.ToUnixTimeSeconds(), body);

        Assert.Equal(new StandardWebhook(secret).Sign("abc", now, Encoding.UTF8.GetString(body)), signature);
        Assert.True(Verifies(secret, "abc", now.ToUnixTimeSeconds(), signature, body));
        Assert.False(Verifies(secret, "abd", now.ToUnixTimeSeconds(), signature, body));
        Assert.False(Verifies(secret, "abc", now.ToUnixTimeSeconds() + 1, signature, body));
        Assert.False(Verifies(secret, "abc", now.ToUnixTimeSeconds(), signature, [.. body, (byte)' ']));
        Assert.False(Verifies(WebhookSecret.Generate(), "abc", now.ToUnixTimeSeconds(), signature, body));
    }

    [Fact]
    public void The_official_verifier_checks_only_the_first_of_two_signatures_so_rotation_is_verified_secret_by_secret()
    {
        var (old, fresh) = (WebhookSecret.Generate(), WebhookSecret.Generate());
        var body = """{"id":"abc"}"""u8.ToArray();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new WebhookSigner(old).Sign("abc", timestamp, body) + " " + new WebhookSigner(fresh).Sign("abc", timestamp, body);
        var headers = new HeaderDictionary { ["webhook-id"] = "abc", ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture), ["webhook-signature"] = header };

        new StandardWebhook(old).Verify(Encoding.UTF8.GetString(body), headers);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(fresh).Verify(Encoding.UTF8.GetString(body), headers));
        Assert.True(Verifies(fresh, "abc", timestamp, header, body), "checked signature by signature, the second secret verifies");
    }

    private static bool Verifies(string secret, string id, long timestamp, string signature, byte[] body) =>
        OfficialDeliveryCheck.SignedWith(
            new Dictionary<string, string> { ["webhook-id"] = id, ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture), ["webhook-signature"] = signature },
            body,
            secret);

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
