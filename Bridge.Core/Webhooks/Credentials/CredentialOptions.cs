namespace Bridge.Webhooks.Credentials;

/// <summary>
/// How calls authenticate to the endpoint, beside the signature (<c>…:Webhook:Credentials</c>): static headers, and
/// at most one of HTTP Basic or OAuth 2.0 client credentials.
/// </summary>
public sealed class CredentialOptions
{
    /// <summary>Headers every call carries, e.g. an API key header. Not Authorization (use Basic or OAuth2), nor a header Bridge sets.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>HTTP Basic authentication.</summary>
    public BasicCredentialOptions? Basic { get; set; }

    /// <summary>OAuth 2.0 client credentials: a bearer token fetched from the token endpoint and cached until it expires.</summary>
    public OAuthClientOptions? OAuth2 { get; set; }

    /// <summary>Mutual TLS: the client certificate every call presents.</summary>
    public ClientCertificateOptions? ClientCertificate { get; set; }

    /// <summary>
    /// A PEM (or DER) file with the certificate authority the endpoint's server certificate must chain to, instead of the
    /// system's trusted roots: for partner endpoints with a private CA. The host name is still checked.
    /// </summary>
    public string? ServerCertificateAuthority { get; set; }

    /// <summary>True when nothing is set.</summary>
    public bool IsEmpty => Headers.Count == 0 && Basic is null && OAuth2 is null && ClientCertificate is null && ServerCertificateAuthority is null;
}

/// <summary>A client certificate: a PKCS#12 file (with <see cref="Password"/> if it has one), or a PEM certificate with its PEM key in <see cref="KeyPath"/>.</summary>
public sealed class ClientCertificateOptions
{
    /// <summary>The certificate file: PKCS#12 (.pfx, .p12) or PEM.</summary>
    public string? Path { get; set; }

    /// <summary>The PEM private key of a PEM certificate (omit for PKCS#12).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PKCS#12 file's password, if any.</summary>
    public string? Password { get; set; }
}

/// <summary>HTTP Basic: user name (no ':') and password.</summary>
public sealed class BasicCredentialOptions
{
    public string? Username { get; set; }

    public string? Password { get; set; }
}

/// <summary>OAuth 2.0 client credentials grant (RFC 6749, 4.4).</summary>
public sealed class OAuthClientOptions
{
    /// <summary>The token endpoint: an absolute https URL (http only to loopback where loopback webhooks are allowed).</summary>
    public string? TokenUrl { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to ask for (optional).</summary>
    public string? Scope { get; set; }

    /// <summary>Where the client authenticates: <c>basic</c> (the Authorization header, the default) or <c>post</c> (the form body).</summary>
    public string ClientAuthentication { get; set; } = "basic";
}
