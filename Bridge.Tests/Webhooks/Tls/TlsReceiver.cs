using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Webhooks.Tls;

/// <summary>
/// A real HTTPS webhook receiver on 127.0.0.1 that requires a client certificate (mutual TLS): its server certificate
/// is issued by a private test authority, and it accepts only the client certificate it was told to trust, noting the
/// thumbprint each call presented. The certificates are generated per test and written as PEM files for the bridge.
/// </summary>
internal sealed class TlsReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string Thumbprint, string Id)> _calls = new();

    private TlsReceiver(WebApplication app, TestCertificates certificates)
    {
        _app = app;
        Certificates = certificates;
    }

    public TestCertificates Certificates { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Calls that completed the handshake: path, the client certificate's thumbprint, the webhook-id.</summary>
    public IReadOnlyCollection<(string Path, string Thumbprint, string Id)> Calls => _calls;

    public Uri UrlOf(string path) => new(BaseAddress, path);

    public static async Task<TlsReceiver> StartAsync(string directory)
    {
        var certificates = TestCertificates.Create(directory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificates.Server;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (presented, _, _) => presented.Thumbprint == certificates.Client.Thumbprint;
        })));
        var app = builder.Build();
        var receiver = new TlsReceiver(app, certificates);
        app.MapPost("/{**path}", (HttpContext context) =>
        {
            receiver._calls.Enqueue((context.Request.Path, context.Connection.ClientCertificate?.Thumbprint ?? "", context.Request.Headers["webhook-id"].ToString()));
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificates.Dispose();
    }
}

/// <summary>A private authority, a server certificate for 127.0.0.1 and a client certificate it issued, with PEM files.</summary>
internal sealed class TestCertificates : IDisposable
{
    public required X509Certificate2 Authority { get; init; }

    public required X509Certificate2 Server { get; init; }

    public required X509Certificate2 Client { get; init; }

    public required string AuthorityPem { get; init; }

    public required string ClientPem { get; init; }

    public required string ClientKeyPem { get; init; }

    public required string ClientPkcs12 { get; init; }

    public const string Pkcs12Password = "development-only";

    public static TestCertificates Create(string directory)
    {
        Directory.CreateDirectory(directory);
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Bridge test authority (development only)", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        var authority = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var server = Issue(authority, "CN=127.0.0.1", Usage("1.3.6.1.5.5.7.3.1"), san: true);
        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = Issue(authority, "CN=bridge-client", Usage("1.3.6.1.5.5.7.3.2"), san: false, clientKey);

        var certificates = new TestCertificates
        {
            Authority = authority,
            Server = server,
            Client = client,
            AuthorityPem = Path.Combine(directory, "authority.pem"),
            ClientPem = Path.Combine(directory, "client.pem"),
            ClientKeyPem = Path.Combine(directory, "client.key"),
            ClientPkcs12 = Path.Combine(directory, "client.pfx"),
        };
        File.WriteAllText(certificates.AuthorityPem, authority.ExportCertificatePem());
        File.WriteAllText(certificates.ClientPem, client.ExportCertificatePem());
        File.WriteAllText(certificates.ClientKeyPem, clientKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(certificates.ClientPkcs12, client.Export(X509ContentType.Pkcs12, Pkcs12Password));
        return certificates;
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private static X509EnhancedKeyUsageExtension Usage(string oid) => new([new Oid(oid)], critical: false);

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, X509EnhancedKeyUsageExtension usage, bool san, ECDsa? key = null)
    {
        using var own = key is null ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var signingKey = key ?? own!;
        var request = new CertificateRequest(subject, signingKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(usage);
        if (san)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(authority, now.AddMinutes(-5), now.AddHours(12), RandomNumberGenerator.GetBytes(12));
        // Kestrel and SslStream need the key with the certificate; a PKCS#12 round trip makes it usable on every platform.
        using var withKey = issued.CopyWithPrivateKey(signingKey);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
