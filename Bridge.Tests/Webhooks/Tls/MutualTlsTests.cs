using Bridge.Tests.Support;

namespace Bridge.Tests.Webhooks.Tls;

/// <summary>
/// Mutual TLS to a webhook endpoint, against a real HTTPS receiver that requires a client certificate and whose server
/// certificate comes from a private authority: with the client certificate (PEM or PKCS#12) and the authority the
/// call is made and signed as always; without the certificate, or without trusting the authority, it never is.
/// </summary>
public sealed class MutualTlsTests : BridgeTestBase
{
    private const string Topic = "orders";

    [Fact]
    public async Task A_call_presents_the_client_certificate_and_trusts_only_the_configured_authority()
    {
        await using var partner = await TlsReceiver.StartAsync(Path.Combine(Data.Path, "certificates"));
        var certificates = partner.Certificates;
        var topology = new TestTopology().Topic(Topic)
            .Subscription(Topic, "pem", partner.UrlOf("pem"))
            .With($"{Key("pem")}:Credentials:ClientCertificate:Path", certificates.ClientPem)
            .With($"{Key("pem")}:Credentials:ClientCertificate:KeyPath", certificates.ClientKeyPem)
            .With($"{Key("pem")}:Credentials:ServerCertificateAuthority", certificates.AuthorityPem)
            .Subscription(Topic, "pkcs12", partner.UrlOf("pkcs12"))
            .With($"{Key("pkcs12")}:Credentials:ClientCertificate:Path", certificates.ClientPkcs12)
            .With($"{Key("pkcs12")}:Credentials:ClientCertificate:Password", TestCertificates.Pkcs12Password)
            .With($"{Key("pkcs12")}:Credentials:ServerCertificateAuthority", certificates.AuthorityPem)
            .Subscription(Topic, "no-certificate", partner.UrlOf("no-certificate"), maxAttempts: 2)
            .With($"{Key("no-certificate")}:Credentials:ServerCertificateAuthority", certificates.AuthorityPem)
            .Subscription(Topic, "system-roots", partner.UrlOf("system-roots"), maxAttempts: 2)
            .With($"{Key("system-roots")}:Credentials:ClientCertificate:Path", certificates.ClientPem)
            .With($"{Key("system-roots")}:Credentials:ClientCertificate:KeyPath", certificates.ClientKeyPem);
        await using var bridge = await StartBridgeAsync(topology);
        using var client = bridge.CreateClient();

        var id = await PublishAsync(client, Topic, new { n = 1 }, "order.created");

        var calls = await EventuallyAsync(() => Task.FromResult(partner.Calls.ToList()), c => c.Count >= 2, "the calls with the client certificate");
        Assert.Equal(["/pem", "/pkcs12"], calls.Select(c => c.Path).Order(StringComparer.Ordinal));
        Assert.All(calls, c => Assert.Equal(certificates.Client.Thumbprint, c.Thumbprint));
        Assert.All(calls, c => Assert.Equal(id, c.Id));

        // Without the client certificate the partner refuses the handshake; without the authority Bridge refuses the
        // partner's certificate. Neither call is ever made: both end as dead letters saying the TLS handshake failed.
        foreach (var refused in new[] { "no-certificate", "system-roots" })
        {
            var deadLetters = await EventuallyAsync(() => DeadLettersAsync(client, Topic, refused), d => d.GetProperty("items").GetArrayLength() == 1, $"the dead letter of {refused}");
            var deadLetter = deadLetters.GetProperty("items")[0];
            Assert.Equal(id, deadLetter.GetProperty("messageId").GetString());
            Assert.Equal("MaxAttemptsExceeded", deadLetter.GetProperty("reason").GetString());
        }
        Assert.Equal(2, partner.Calls.Count);
        Assert.DoesNotContain(TestCertificates.Pkcs12Password, bridge.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificates_that_cannot_be_used_stop_the_start_naming_the_setting()
    {
        using var directory = new TestDirectory();
        var certificates = TestCertificates.Create(directory.Path);
        using (certificates)
        {
            Assert.Contains(Failures(new() { ClientCertificate = new() { Path = Path.Combine(directory.Path, "missing.pem") } }),
                f => f.Contains("Credentials:ClientCertificate: '", StringComparison.Ordinal) && f.Contains("cannot be loaded", StringComparison.Ordinal));
            Assert.Contains(Failures(new() { ClientCertificate = new() { Path = certificates.ClientPem } }),
                f => f.Contains("Credentials:ClientCertificate:", StringComparison.Ordinal) && f.Contains("without its private key", StringComparison.Ordinal));
            Assert.Contains(Failures(new() { ClientCertificate = new() { Path = certificates.ClientPkcs12, Password = "wrong" } }),
                f => f.Contains("Credentials:ClientCertificate:", StringComparison.Ordinal));
            Assert.Contains(Failures(new() { ServerCertificateAuthority = certificates.ClientKeyPem }),
                f => f.Contains("Credentials:ServerCertificateAuthority:", StringComparison.Ordinal));
            Assert.Empty(Failures(new() { ClientCertificate = new() { Path = certificates.ClientPem, KeyPath = certificates.ClientKeyPem }, ServerCertificateAuthority = certificates.AuthorityPem }));
        }
    }

    private static IReadOnlyList<string> Failures(Bridge.Webhooks.Credentials.CredentialOptions credentials) =>
        TopologyValidator.ValidateSubscription("Bridge:Topics:orders:Subscriptions:erp", "erp", new SubscriptionOptions
        {
            Webhook = new WebhookOptions { Url = "https://hooks.example.com/in", Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Credentials = credentials },
        });

    private static string Key(string subscription) => $"Bridge:Topics:{Topic}:Subscriptions:{subscription}:Webhook";
}
