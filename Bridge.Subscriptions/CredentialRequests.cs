using Bridge.Webhooks.Credentials;

namespace Bridge.Subscriptions;

/// <summary>
/// Checks the <c>credentials</c> of a subscription request by the rules of configured credentials
/// (<see cref="CredentialRules"/>), the token URL by the rules of webhook URLs, and bounds their size; every problem is
/// named by its field, e.g. <c>credentials.headers.X-Api-Key</c>.
/// </summary>
internal static class CredentialRequests
{
    private const int MaxHeaders = 20;

    /// <summary>The credentials asked for (null for none, also for an empty object); problems go to <paramref name="errors"/>.</summary>
    public static CredentialOptions? Read(SubscriptionCredentialsRequest? request, WebhookUrlPolicy urls, Dictionary<string, string[]> errors)
    {
        if (request is null)
        {
            return null;
        }

        var options = new CredentialOptions();
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string?>())
        {
            if (!options.Headers.TryAdd(name, value!))
            {
                errors[$"credentials.headers.{name}"] = [$"credentials.headers.{name} is given twice: header names are case-insensitive."];
            }
        }
        Check(errors, "credentials.headers", options.Headers.Count <= MaxHeaders, $"at most {MaxHeaders} headers.");
        if (request.Basic is { } basic)
        {
            options.Basic = new BasicCredentialOptions { Username = basic.Username, Password = basic.Password };
            Check(errors, "credentials.basic.username", basic.Username is not { Length: > 256 }, "must be at most 256 characters.");
            Check(errors, "credentials.basic.password", basic.Password is not { Length: > 1024 }, "must be at most 1024 characters.");
        }
        if (request.OAuth2 is { } oauth)
        {
            options.OAuth2 = new OAuthClientOptions
            {
                TokenUrl = oauth.TokenUrl,
                ClientId = oauth.ClientId,
                ClientSecret = oauth.ClientSecret,
                Scope = oauth.Scope,
                ClientAuthentication = oauth.ClientAuthentication ?? "basic",
            };
            Check(errors, "credentials.oauth2.clientId", oauth.ClientId is not { Length: > 256 }, "must be at most 256 characters.");
            Check(errors, "credentials.oauth2.clientSecret", oauth.ClientSecret is not { Length: > 2048 }, "must be at most 2048 characters.");
            Check(errors, "credentials.oauth2.scope", oauth.Scope is not { Length: > 1024 }, "must be at most 1024 characters.");
        }

        foreach (var problem in CredentialRules.Validate(options, tokenUrl => urls.Refuse(tokenUrl, out _, "")?.TrimStart()))
        {
            errors.TryAdd(problem.ApiField, [$"{problem.ApiField} {problem.Message}"]);
        }
        return options.IsEmpty ? null : options;
    }

    private static void Check(Dictionary<string, string[]> errors, string field, bool valid, string message)
    {
        if (!valid)
        {
            errors.TryAdd(field, [$"{field} {message}"]);
        }
    }
}
