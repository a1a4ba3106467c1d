using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bridge.Tests.Support;
using static Bridge.Tests.Subscriptions.SubscriptionClient;

namespace Bridge.Tests.KeyRing;

/// <summary>
/// The Data Protection key ring lives in the store: two bridge processes, each in its own working directory (as Aspire
/// and Container Apps start them), share one store, so a subscription made through one process, with a secret it
/// encrypted, is delivered by the other, signed with the secret the API returned.
/// </summary>
public sealed class SharedKeyRingTests : BridgeTestBase
{
    private const string Topic = "orders";

    [Fact]
    public async Task A_subscription_made_through_one_process_is_delivered_by_another_signed_with_the_returned_secret()
    {
        var secret = await DeliverAcrossProcessesAsync(new TestTopology());

        var keys = QueryFile(Path.Combine("shared", "bridge.db"), "SELECT group_concat(\"Xml\", '') FROM data_protection_keys") as string;
        Assert.Contains("<masterKey", keys, StringComparison.Ordinal); // no protector configured: the keys are stored as they are
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_certificate_the_stored_keys_are_encrypted_and_still_shared()
    {
        var pfx = Path.Combine(Data.Path, "key-ring.pfx");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=bridge-key-ring-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        }

        await DeliverAcrossProcessesAsync(new TestTopology()
            .With("Bridge:DataProtection:Certificate:Path", pfx)
            .With("Bridge:DataProtection:Certificate:Password", password));

        var keys = QueryFile(Path.Combine("shared", "bridge.db"), "SELECT group_concat(\"Xml\", '') FROM data_protection_keys") as string;
        Assert.NotNull(keys);
        Assert.Contains("<encryptedSecret", keys, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", keys, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_the_key_ring_cannot_decrypt_shows_the_subscription_as_failed_and_is_logged_as_an_error()
    {
        var topology = new TestTopology().Topic(Topic)
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        var bridge = await StartBridgeAsync(topology);
        using (var client = bridge.CreateClient())
        {
            Receiver.Trust(await CreateAsync(client, Topic, new { name = "orphaned", url = Receiver.UrlOf("orphaned") }));
        }
        await bridge.StopAsync();
        await bridge.DisposeAsync();

        // The key ring is lost (restored from another deployment's backup, say): the stored secret cannot be decrypted.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Data.Path, "bridge.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM data_protection_keys";
            Assert.True(command.ExecuteNonQuery() > 0);
        }

        await using var restarted = await StartBridgeAsync(topology);
        using var restartedClient = restarted.CreateClient();
        await restarted.WaitForOutputAsync("The secret of subscription orders/orphaned cannot be decrypted", Patience);
        var (status, resource, response) = await SendAsync(restartedClient, HttpMethod.Get, Route(Topic, "orphaned"));
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("failed", resource.GetProperty("status").GetString());
        Assert.Contains("rotate-secret", resource.GetProperty("problem").GetString(), StringComparison.Ordinal);
        var listed = (await GetJsonAsync(restartedClient, "/api/subscriptions")).GetProperty("items").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "orphaned");
        Assert.Contains("cannot be decrypted", listed.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Creates a subscription through process A, publishes through process B, and checks B's delivery; returns the secret.</summary>
    private async Task<string> DeliverAcrossProcessesAsync(TestTopology topology)
    {
        var shared = Directory.CreateDirectory(Path.Combine(Data.Path, "shared")).FullName;
        topology.Topic(Topic)
            .With("ConnectionStrings:bridgedb", $"Data Source={Path.Combine(shared, "bridge.db")}")
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200");
        await using var a = await BridgeProcess.StartAsync(Directory.CreateDirectory(Path.Combine(Data.Path, "a")).FullName, topology.Settings);
        await using var b = await BridgeProcess.StartAsync(Directory.CreateDirectory(Path.Combine(Data.Path, "b")).FullName, topology.Settings);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        var secret = Receiver.Trust(await CreateAsync(clientA, Topic, new { name = "recipe", url = Receiver.UrlOf("recipe") }));

        // B reads the row and decrypts its secret with the key A wrote to the store: active, not failed.
        var seen = await EventuallyAsync(
            () => GetJsonAsync(clientB, "/api/subscriptions"),
            list => list.GetProperty("items").EnumerateArray().Any(s => s.GetProperty("name").GetString() == "recipe"),
            "process B to take up the subscription made through process A");
        var recipe = seen.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "recipe");
        Assert.False(recipe.TryGetProperty("problem", out var problem), $"process B cannot use the secret: {problem}");
        var (status, resource, response) = await SendAsync(clientB, HttpMethod.Get, Route(Topic, "recipe"));
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("active", resource.GetProperty("status").GetString());

        var published = await PublishAsync(clientB, Topic, new { n = 1 }, "order.created");
        var received = await Receiver["recipe"].WaitForAsync(1, Patience);
        Assert.Equal(published, Assert.Single(received).MessageId);
        Assert.True(SignedWith(received[0], secret), "process B did not sign with the secret process A returned");
        Assert.DoesNotContain(a.Output.Split(Environment.NewLine), l => l.Contains("cannot be decrypted", StringComparison.Ordinal));
        Assert.DoesNotContain(b.Output.Split(Environment.NewLine), l => l.Contains("cannot be decrypted", StringComparison.Ordinal));
        return secret;
    }
}
