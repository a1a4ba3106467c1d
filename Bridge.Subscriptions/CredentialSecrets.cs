using System.Text.Json;
using Bridge.Security;
using Bridge.Webhooks.Credentials;
using Microsoft.AspNetCore.DataProtection;

namespace Bridge.Subscriptions;

/// <summary>
/// The secret values of API-made subscriptions' credentials at rest (static header values, Basic password, OAuth client
/// secret), as one JSON object encrypted with ASP.NET Core Data Protection under their own purpose. What is not secret
/// about the credentials is kept in the settings as <see cref="SubscriptionCredentials"/>.
/// </summary>
internal sealed class CredentialSecrets(IDataProtectionProvider provider) : SecretBox(provider, "Bridge.Subscriptions.EndpointCredentials.v1")
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The secret values of <paramref name="credentials"/>, encrypted; null when there are none.</summary>
    public string? Protect(CredentialOptions? credentials) => credentials is null
        ? null
        : Protect(JsonSerializer.Serialize(new Values(new Dictionary<string, string>(credentials.Headers, StringComparer.Ordinal),
            credentials.Basic?.Password, credentials.OAuth2?.ClientSecret), Json));

    /// <summary>
    /// The full credentials: <paramref name="shown"/> with the secret values in <paramref name="protectedValues"/>; null when
    /// the key ring cannot decrypt them (or they are missing).
    /// </summary>
    public CredentialOptions? Unprotect(SubscriptionCredentials shown, string? protectedValues)
    {
        ArgumentNullException.ThrowIfNull(shown);
        if (protectedValues is null || Unprotect(protectedValues) is not { } json || JsonSerializer.Deserialize<Values>(json, Json) is not { } values)
        {
            return null;
        }

        var options = new CredentialOptions();
        foreach (var name in shown.Headers)
        {
            options.Headers[name] = values.Headers.GetValueOrDefault(name) ?? "";
        }
        if (shown.Basic is { } basic)
        {
            options.Basic = new BasicCredentialOptions { Username = basic.Username, Password = values.Password };
        }
        if (shown.OAuth2 is { } oauth)
        {
            options.OAuth2 = new OAuthClientOptions
            {
                TokenUrl = oauth.TokenUrl.OriginalString,
                ClientId = oauth.ClientId,
                ClientSecret = values.ClientSecret,
                Scope = oauth.Scope,
                ClientAuthentication = oauth.ClientAuthentication,
            };
        }
        return options;
    }

    private sealed record Values(Dictionary<string, string> Headers, string? Password, string? ClientSecret);
}
