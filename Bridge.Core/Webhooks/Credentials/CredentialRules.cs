namespace Bridge.Webhooks.Credentials;

/// <summary>
/// The rules credentials to an endpoint must meet, whether configured (<c>…:Webhook:Credentials</c>) or given through the
/// subscriptions API (<c>credentials</c>): static headers that are HTTP tokens with values free of control characters and
/// not a header Bridge sets; at most one of Basic and OAuth2; a Basic user name without ':'; an OAuth client with a token
/// URL the caller's policy accepts. Mutual TLS files are checked by <see cref="EndpointTls"/>.
/// </summary>
public static class CredentialRules
{
    /// <summary>Longest static header value.</summary>
    public const int MaxHeaderValueLength = 4096;

    /// <summary>Every problem of <paramref name="options"/>; <paramref name="refuseTokenUrl"/> says why a token URL is refused, or null.</summary>
    public static IEnumerable<CredentialProblem> Validate(CredentialOptions? options, Func<string?, string?> refuseTokenUrl)
    {
        ArgumentNullException.ThrowIfNull(refuseTokenUrl);
        if (options is null)
        {
            yield break;
        }
        foreach (var (name, value) in options.Headers)
        {
            if (!IsToken(name))
            {
                yield return new("Headers", name, "is not an HTTP header name.");
            }
            else if (EndpointCredentials.IsReservedHeader(name))
            {
                yield return new("Headers", name, "is set by Bridge (or by Basic/OAuth2) and cannot be configured.");
            }
            if (value is null || HasControl(value) || value.Length > MaxHeaderValueLength)
            {
                yield return new("Headers", name, $"must be at most {MaxHeaderValueLength} characters without control characters.");
            }
        }
        if (options.Basic is not null && options.OAuth2 is not null)
        {
            yield return new(null, null, "must choose Basic or OAuth2, not both.");
        }
        if (options.Basic is { } basic)
        {
            if (string.IsNullOrEmpty(basic.Username) || basic.Username.Contains(':', StringComparison.Ordinal) || HasControl(basic.Username))
            {
                yield return new("Basic:Username", null, "is required and must not contain ':' or control characters.");
            }
            if (HasControl(basic.Password ?? ""))
            {
                yield return new("Basic:Password", null, "must not contain control characters.");
            }
        }
        if (options.OAuth2 is { } oauth)
        {
            if (refuseTokenUrl(oauth.TokenUrl) is { } refused)
            {
                yield return new("OAuth2:TokenUrl", null, refused);
            }
            if (string.IsNullOrEmpty(oauth.ClientId) || HasControl(oauth.ClientId))
            {
                yield return new("OAuth2:ClientId", null, "is required, without control characters.");
            }
            if (string.IsNullOrEmpty(oauth.ClientSecret) || HasControl(oauth.ClientSecret))
            {
                yield return new("OAuth2:ClientSecret", null, "is required, without control characters.");
            }
            if (oauth.Scope is { } scope && HasControl(scope))
            {
                yield return new("OAuth2:Scope", null, "must not contain control characters.");
            }
            if (oauth.ClientAuthentication is not ("basic" or "post"))
            {
                yield return new("OAuth2:ClientAuthentication", null, $"must be basic or post (was '{oauth.ClientAuthentication}').");
            }
        }
    }

    /// <summary>An RFC 9110 token: visible ASCII without separators.</summary>
    private static bool IsToken(string name) =>
        name.Length > 0 && !name.Any(c => c <= ' ' || c > '~' || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal));

    private static bool HasControl(string value) => value.Any(c => c < ' ' || c == '\u007f');
}

/// <summary>
/// One problem of endpoint credentials: the setting at fault (<c>Headers</c>, <c>Basic:Username</c>, <c>OAuth2:TokenUrl</c>
/// …, or null for the whole), the header's name when one header is at fault, and what is wrong (a sentence to follow the name).
/// </summary>
public sealed record CredentialProblem(string? Setting, string? Header, string Message)
{
    /// <summary>The configuration key at fault under <paramref name="credentialsKey"/>, e.g. <c>…:Webhook:Credentials:Headers:X-Api-Key</c>.</summary>
    public string ConfigurationKey(string credentialsKey) =>
        credentialsKey + (Setting is null ? "" : ":" + Setting) + (Header is null ? "" : ":" + Header);

    /// <summary>The API field at fault, e.g. <c>credentials.headers.X-Api-Key</c> or <c>credentials.oauth2.tokenUrl</c>.</summary>
    public string ApiField =>
        "credentials" + (Setting is null ? "" : "." + string.Join('.', Setting.Split(':').Select(ApiName))) + (Header is null ? "" : "." + Header);

    private static string ApiName(string member) =>
        member == "OAuth2" ? "oauth2" : char.ToLowerInvariant(member[0]) + member[1..];
}
