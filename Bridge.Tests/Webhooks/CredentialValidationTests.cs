using Bridge.Webhooks.Credentials;

namespace Bridge.Tests.Webhooks;

/// <summary>Configured endpoint credentials that cannot work stop the start, each problem named.</summary>
public sealed class CredentialValidationTests
{
    public static TheoryData<string, CredentialOptions, string> Refused => new()
    {
        { "a header Bridge sets", new CredentialOptions { Headers = { ["webhook-signature"] = "x" } }, "Credentials:Headers:webhook-signature is set by Bridge" },
        { "Authorization as a static header", new CredentialOptions { Headers = { ["Authorization"] = "Bearer x" } }, "Credentials:Headers:Authorization is set by Bridge" },
        { "a header name with a space", new CredentialOptions { Headers = { ["X Api"] = "x" } }, "is not an HTTP header name" },
        { "a header value with a line break", new CredentialOptions { Headers = { ["X-Api-Key"] = "a\r\nX-Injected: 1" } }, "without control characters" },
        { "Basic and OAuth2 together", new CredentialOptions { Basic = new() { Username = "u" }, OAuth2 = new() { TokenUrl = "https://id.example.com/token", ClientId = "c", ClientSecret = "s" } }, "choose Basic or OAuth2" },
        { "a user name with a colon", new CredentialOptions { Basic = new() { Username = "a:b", Password = "p" } }, "Basic:Username" },
        { "a relative token URL", new CredentialOptions { OAuth2 = new() { TokenUrl = "/token", ClientId = "c", ClientSecret = "s" } }, "OAuth2:TokenUrl must be an absolute" },
        { "no client secret", new CredentialOptions { OAuth2 = new() { TokenUrl = "https://id.example.com/token", ClientId = "c" } }, "Credentials:OAuth2:ClientSecret is required" },
        { "an unknown client authentication", new CredentialOptions { OAuth2 = new() { TokenUrl = "https://id.example.com/token", ClientId = "c", ClientSecret = "s", ClientAuthentication = "jwt" } }, "ClientAuthentication must be basic or post" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Unusable_credentials_are_refused_naming_the_setting(string what, CredentialOptions credentials, string expected)
    {
        var options = new SubscriptionOptions { Webhook = new WebhookOptions { Url = "https://hooks.example.com/in", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Credentials = credentials } };
        var failures = TopologyValidator.ValidateSubscription("Bridge:Topics:orders:Subscriptions:erp", "erp", options);
        Assert.True(failures.Any(f => f.Contains(expected, StringComparison.Ordinal)), $"{what}: {string.Join(" | ", failures)}");
    }

    [Fact]
    public void Valid_credentials_pass_and_never_print_a_secret()
    {
        var credentials = new CredentialOptions
        {
            Headers = { ["X-Api-Key"] = "development-only-key" },
            OAuth2 = new() { TokenUrl = "https://id.example.com/token", ClientId = "c", ClientSecret = "development-only-secret", ClientAuthentication = "post" },
        };
        var options = new SubscriptionOptions { Webhook = new WebhookOptions { Url = "https://hooks.example.com/in", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Credentials = credentials } };
        Assert.Empty(TopologyValidator.ValidateSubscription("Bridge:Topics:orders:Subscriptions:erp", "erp", options));
        var resolved = EndpointCredentials.From(credentials);
        Assert.True(resolved.OAuth!.SecretInBody);
        Assert.DoesNotContain("development-only", resolved.ToString(), StringComparison.Ordinal);
    }
}
