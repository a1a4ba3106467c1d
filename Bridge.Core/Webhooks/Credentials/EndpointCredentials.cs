namespace Bridge.Webhooks.Credentials;

/// <summary>Resolved credentials of a webhook endpoint (see <see cref="CredentialOptions"/>).</summary>
/// <param name="Headers">Static headers every call carries.</param>
/// <param name="Basic">HTTP Basic user name and password, or null.</param>
/// <param name="OAuth">The OAuth 2.0 client, or null.</param>
public sealed record EndpointCredentials(IReadOnlyDictionary<string, string> Headers, (string Username, string Password)? Basic, OAuthClient? OAuth)
{
    /// <summary>No credentials.</summary>
    public static EndpointCredentials None { get; } = new(new Dictionary<string, string>(), null, null);

    /// <summary>Headers a static header may not replace: what Bridge sets on every call, and Authorization.</summary>
    public static bool IsReservedHeader(string name) =>
        name.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-event-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || name.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("traceparent", StringComparison.OrdinalIgnoreCase)
        || name.Equals("tracestate", StringComparison.OrdinalIgnoreCase)
        || name.Equals("x-correlation-id", StringComparison.OrdinalIgnoreCase)
        || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase);

    /// <summary>The client certificate and server authority of the endpoint's connections, or null for the defaults.</summary>
    public EndpointTls? Tls { get; init; }

    /// <summary>Names what is set, never a value.</summary>
    public override string ToString() =>
        $"EndpointCredentials {{ Headers = [{string.Join(", ", Headers.Keys)}], Basic = {(Basic is { } b ? b.Username : "none")}, OAuth = {OAuth?.ToString() ?? "none"}, Tls = {Tls?.ToString() ?? "default"} }}";

    /// <summary>True when there is nothing to add to a call.</summary>
    public bool IsEmpty => Headers.Count == 0 && Basic is null && OAuth is null && Tls is null;

    /// <summary>Resolves the options (validated by the topology validator).</summary>
    public static EndpointCredentials From(CredentialOptions? options)
    {
        if (options is null || options.IsEmpty)
        {
            return None;
        }
        var oauth = options.OAuth2 is { } o
            ? new OAuthClient(new Uri(o.TokenUrl!, UriKind.Absolute), o.ClientId!, o.ClientSecret!, string.IsNullOrWhiteSpace(o.Scope) ? null : o.Scope.Trim(),
                string.Equals(o.ClientAuthentication, "post", StringComparison.OrdinalIgnoreCase))
            : null;
        return new EndpointCredentials(
            new Dictionary<string, string>(options.Headers, StringComparer.OrdinalIgnoreCase),
            options.Basic is { } b ? (b.Username!, b.Password ?? "") : null,
            oauth)
        {
            Tls = EndpointTls.From(options),
        };
    }

    /// <summary>Why <paramref name="options"/> cannot be used, one line per problem, each starting with <paramref name="key"/>.</summary>
    public static IEnumerable<string> Validate(string key, CredentialOptions? options, Func<string?, string?> refuseTokenUrl) =>
        options is null ? [] : CredentialRules.Validate(options, refuseTokenUrl).Select(p => $"{p.ConfigurationKey(key)} {p.Message}")
            .Concat(EndpointTls.Validate(key, options));

    /// <summary>Adds the static headers and, for Basic, the Authorization header (OAuth's bearer token is added by the sender).</summary>
    internal void Apply(HttpRequestMessage request)
    {
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (Basic is { } basic)
        {
            request.Headers.Authorization = HttpBasic.Header(basic.Username, basic.Password);
        }
    }
}

/// <summary>An OAuth 2.0 client of the client credentials grant.</summary>
/// <param name="TokenUrl">The token endpoint.</param>
/// <param name="ClientId">The client id.</param>
/// <param name="ClientSecret">The client secret.</param>
/// <param name="Scope">Scopes asked for, or null.</param>
/// <param name="SecretInBody">True: client id and secret in the form body (<c>client_secret_post</c>); false: HTTP Basic (<c>client_secret_basic</c>).</param>
public sealed record OAuthClient(Uri TokenUrl, string ClientId, string ClientSecret, string? Scope, bool SecretInBody)
{
    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"OAuthClient {{ TokenUrl = {TokenUrl}, ClientId = {ClientId}, Scope = {Scope} }}";
}
