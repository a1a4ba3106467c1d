using System.Text.Json.Serialization;
using Bridge.Webhooks.Credentials;

namespace Bridge.Subscriptions;

/// <summary>
/// Credentials a push subscription sends to its endpoint beside the signature: static headers, and at most one of HTTP
/// Basic and OAuth 2.0 client credentials. The secret values are stored encrypted and never shown again. Mutual TLS
/// (client certificates, a private server authority) is configuration-only.
/// </summary>
/// <param name="Headers">Headers every call carries, e.g. <c>X-Api-Key</c>: HTTP token names, values of at most 4096 characters without control characters; not <c>Authorization</c> nor a header Bridge sets (<c>webhook-*</c>, <c>ce-*</c>, <c>X-Event-*</c>, <c>Content-Type</c>, …). At most 20.</param>
/// <param name="Basic">HTTP Basic: <c>Authorization: Basic</c> with every call.</param>
/// <param name="OAuth2">OAuth 2.0 client credentials: a bearer token fetched from the token endpoint, cached, fetched again on a 401.</param>
public sealed record SubscriptionCredentialsRequest(
    IReadOnlyDictionary<string, string?>? Headers,
    BasicCredentialsRequest? Basic,
    [property: JsonPropertyName("oauth2")] OAuthCredentialsRequest? OAuth2);

/// <summary>HTTP Basic credentials.</summary>
/// <param name="Username">The user name: required, without ':' or control characters.</param>
/// <param name="Password">The password (never shown again).</param>
public sealed record BasicCredentialsRequest(string? Username, string? Password);

/// <summary>An OAuth 2.0 client of the client credentials grant.</summary>
/// <param name="TokenUrl">The token endpoint: an absolute https URL (plain http only where a webhook URL may use it), reaching an allowed destination.</param>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The client secret (never shown again).</param>
/// <param name="Scope">Space-separated scopes to ask for (optional).</param>
/// <param name="ClientAuthentication"><c>basic</c> (the default: id and secret by HTTP Basic) or <c>post</c> (in the form body).</param>
public sealed record OAuthCredentialsRequest(string? TokenUrl, string? ClientId, string? ClientSecret, string? Scope, string? ClientAuthentication);

/// <summary>What may be shown of a subscription's credentials to the endpoint: never a header value, a password or a client secret.</summary>
/// <param name="Headers">The names of the static headers sent with every call.</param>
/// <param name="Basic">The HTTP Basic user name, if Basic is used.</param>
/// <param name="OAuth2">The OAuth 2.0 client, if OAuth is used (without its secret).</param>
public sealed record SubscriptionCredentials(
    IReadOnlyList<string> Headers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BasicCredentialsView? Basic,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)][property: JsonPropertyName("oauth2")] OAuthCredentialsView? OAuth2)
{
    /// <summary>Always true: credentials are set, their secret values kept encrypted and never returned.</summary>
    public bool Configured => true;

    /// <summary>What may be shown of <paramref name="credentials"/>; null when there are no headers, Basic or OAuth to show.</summary>
    internal static SubscriptionCredentials? Of(EndpointCredentials credentials) =>
        credentials.Headers.Count == 0 && credentials.Basic is null && credentials.OAuth is null
            ? null
            : new SubscriptionCredentials(
                [.. credentials.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase)],
                credentials.Basic is { } basic ? new BasicCredentialsView(basic.Username) : null,
                credentials.OAuth is { } oauth
                    ? new OAuthCredentialsView(oauth.TokenUrl, oauth.ClientId, oauth.Scope, oauth.SecretInBody ? "post" : "basic")
                    : null);
}

/// <summary>HTTP Basic, as shown: the user name only.</summary>
/// <param name="Username">The user name.</param>
public sealed record BasicCredentialsView(string Username);

/// <summary>An OAuth 2.0 client, as shown: without its secret.</summary>
/// <param name="TokenUrl">The token endpoint.</param>
/// <param name="ClientId">The client id.</param>
/// <param name="Scope">Scopes asked for, if any.</param>
/// <param name="ClientAuthentication"><c>basic</c> or <c>post</c>.</param>
public sealed record OAuthCredentialsView(
    Uri TokenUrl, string ClientId, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope, string ClientAuthentication);
