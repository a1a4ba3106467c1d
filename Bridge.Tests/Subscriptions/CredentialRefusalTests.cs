using System.Net;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.Subscriptions;

/// <summary>Credentials through the subscriptions API that cannot work: 400 naming the field, and nothing stored.</summary>
public sealed class CredentialRefusalTests(SubscriptionRefusalFixture fixture) : IClassFixture<SubscriptionRefusalFixture>
{
    private const string Url = "https://hooks.example.com/in";

    private static object Headers(string name, string value) => new { url = Url, credentials = new { headers = new Dictionary<string, string> { [name] = value } } };

    private static object OAuth(string tokenUrl, string? secret = "development-only-secret", string? authentication = null) => new
    {
        url = Url,
        credentials = new { oauth2 = new { tokenUrl, clientId = "bridge", clientSecret = secret, clientAuthentication = authentication } },
    };

    public static TheoryData<string, object, string> RefusedBodies => new()
    {
        { "Authorization as a static header", Headers("Authorization", "Bearer x"), "credentials.headers.Authorization" },
        { "a signature header", Headers("webhook-signature", "v1,x"), "credentials.headers.webhook-signature" },
        { "a CloudEvents header", Headers("ce-type", "x"), "credentials.headers.ce-type" },
        { "Content-Type", Headers("Content-Type", "text/plain"), "credentials.headers.Content-Type" },
        { "a header name with a space", Headers("X Api", "x"), "credentials.headers.X Api" },
        { "a header value with a line break", Headers("X-Api-Key", "a\r\nX-Injected: 1"), "credentials.headers.X-Api-Key" },
        { "Basic and OAuth2 together", new { url = Url, credentials = new { basic = new { username = "u", password = "p" }, oauth2 = new { tokenUrl = "https://id.example.com/token", clientId = "c", clientSecret = "s" } } }, "credentials" },
        { "a user name with a colon", new { url = Url, credentials = new { basic = new { username = "a:b", password = "p" } } }, "credentials.basic.username" },
        { "a relative token URL", OAuth("/token"), "credentials.oauth2.tokenUrl" },
        { "a plain http token URL", OAuth("http://id.example.com/token"), "credentials.oauth2.tokenUrl" },
        { "a token URL on a private network", OAuth("https://10.1.2.3/token"), "credentials.oauth2.tokenUrl" },
        { "no client secret", OAuth("https://id.example.com/token", secret: null), "credentials.oauth2.clientSecret" },
        { "an unknown client authentication", OAuth("https://id.example.com/token", authentication: "jwt"), "credentials.oauth2.clientAuthentication" },
        { "credentials on a pull subscription", new { delivery = "pull", credentials = new { headers = new Dictionary<string, string> { ["X-Api-Key"] = "k" } } }, "credentials" },
    };

    [Theory]
    [MemberData(nameof(RefusedBodies))]
    public async Task Unusable_credentials_are_refused_with_400_naming_the_field_and_store_nothing(string what, object body, string field)
    {
        var before = await fixture.SnapshotAsync();

        var (status, problem, response) = await SendAsync(fixture.Admin, HttpMethod.Post, Route("orders"), body);
        response.Dispose();

        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {(int)status} {problem}");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"{what}: {problem}");
        if (ProblemType(problem) == "urn:bridge:problem:invalid-request")
        {
            Assert.StartsWith(field, messages[0].GetString(), StringComparison.Ordinal);
        }
        await fixture.AssertUnchangedAsync(before, what);
    }
}
