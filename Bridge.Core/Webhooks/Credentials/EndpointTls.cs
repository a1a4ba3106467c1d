using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Bridge.Webhooks.Credentials;

/// <summary>
/// TLS of a webhook endpoint beyond the defaults: a client certificate that calls present (mutual TLS), and a private
/// certificate authority the endpoint's server certificate must chain to instead of the system's trusted roots (partner
/// APIs often use both). Calls with either go through their own connection pool (<see cref="EndpointConnections"/>).
/// </summary>
/// <param name="ClientCertificate">The client certificate with its private key, or null.</param>
/// <param name="ServerAuthority">The root the server certificate must chain to, or null for the system's roots.</param>
public sealed record EndpointTls(X509Certificate2? ClientCertificate, X509Certificate2? ServerAuthority)
{
    /// <summary>Identifies the connection pool these settings need.</summary>
    public string PoolKey => $"{ClientCertificate?.Thumbprint}/{ServerAuthority?.Thumbprint}";

    /// <summary>Names the certificates, never a key.</summary>
    public override string ToString() =>
        $"EndpointTls {{ ClientCertificate = {ClientCertificate?.Subject ?? "none"}, ServerAuthority = {ServerAuthority?.Subject ?? "system roots"} }}";

    /// <summary>Loads the certificates of <paramref name="options"/> (validated by <see cref="Validate"/>), or null when none are set.</summary>
    public static EndpointTls? From(CredentialOptions? options)
    {
        if (options is null || (options.ClientCertificate is null && options.ServerCertificateAuthority is null))
        {
            return null;
        }
        return new EndpointTls(
            options.ClientCertificate is { } client ? LoadClient(client) : null,
            options.ServerCertificateAuthority is { } authority ? X509CertificateLoader.LoadCertificateFromFile(authority) : null);
    }

    /// <summary>Why the certificates of <paramref name="options"/> cannot be used, one line per problem, each starting with <paramref name="key"/>.</summary>
    public static IEnumerable<string> Validate(string key, CredentialOptions? options)
    {
        var problems = new List<string>();
        if (options?.ClientCertificate is { } client)
        {
            try
            {
                using var certificate = LoadClient(client);
                if (!certificate.HasPrivateKey)
                {
                    problems.Add($"{key}:ClientCertificate: '{client.Path}' has no private key (give a PKCS#12 file with its key, or KeyPath for a PEM certificate).");
                }
                else if (certificate.NotAfter < DateTime.Now)
                {
                    problems.Add($"{key}:ClientCertificate: '{client.Path}' expired on {certificate.NotAfter:u}.");
                }
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                problems.Add($"{key}:ClientCertificate: '{client.Path}' cannot be loaded: {ex.Message}");
            }
        }
        if (options?.ServerCertificateAuthority is { } authority)
        {
            try
            {
                using var loaded = X509CertificateLoader.LoadCertificateFromFile(authority);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                problems.Add($"{key}:ServerCertificateAuthority: '{authority}' cannot be loaded: {ex.Message}");
            }
        }
        return problems;
    }

    /// <summary>Sets the client certificate and, with a private authority, the server certificate check on <paramref name="ssl"/>.</summary>
    internal void Apply(SslClientAuthenticationOptions ssl)
    {
        if (ClientCertificate is { } client)
        {
            ssl.ClientCertificates = [client];
        }
        if (ServerAuthority is { } authority)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => ChainsTo(authority, certificate, errors);
        }
    }

    private static bool ChainsTo(X509Certificate2 authority, X509Certificate? certificate, SslPolicyErrors errors)
    {
        // The name must still match the URL's host; only the root of trust is the configured one.
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    /// <summary>PEM with its key in KeyPath (or in the same file), else PKCS#12.</summary>
    private static X509Certificate2 LoadClient(ClientCertificateOptions client)
    {
        if (client.KeyPath is { } keyPath)
        {
            return X509Certificate2.CreateFromPemFile(client.Path!, keyPath);
        }
        if (!IsPem(client.Path!))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(client.Path!, client.Password);
        }
        try
        {
            return X509Certificate2.CreateFromPemFile(client.Path!);
        }
        catch (CryptographicException ex)
        {
            throw new CryptographicException("it is a PEM certificate without its private key: give the key's PEM file in KeyPath (or append the key to the file).", ex);
        }
    }

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var start = new char[64];
        var read = reader.ReadBlock(start);
        return new string(start, 0, read).TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal);
    }
}
