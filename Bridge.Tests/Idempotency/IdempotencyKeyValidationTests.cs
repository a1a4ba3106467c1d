using System.Net.Sockets;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Idempotency;

/// <summary>Hostile Idempotency-Key headers, sent byte for byte over a socket so that no client library tidies them up.</summary>
public sealed class IdempotencyKeyValidationTests : IdempotencyTestBase
{
    [Fact]
    public async Task A_key_of_255_printable_characters_with_escaped_quotes_is_accepted()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        var key = "\\\"" + new string('k', 252) + "\\\\ ";

        var (status, _, body) = await RawPostAsync(bridge, "/api/topics/orders/events", [$"Idempotency-Key: \"{key}\""], """{ "orderId": "1" }""");

        Assert.True(status == 202, $"expected 202, got {status}: {body}");
        Assert.Equal(255L, QueryFile("bridge.db", "SELECT LENGTH(\"Key\") FROM idempotency_keys"));
    }

    [Fact]
    public async Task A_key_on_an_unknown_topic_gets_404_and_stores_nothing()
    {
        await using var bridge = await StartBridgeAsync(Topology());
        var before = await SettledStoreAsync();

        var (status, _, body) = await RawPostAsync(bridge, "/api/topics/nope/events", ["Idempotency-Key: k-1"], "{}");

        Assert.True(status == 404, $"expected 404, got {status}: {body}");
        await AssertStoreUnchangedAsync(before, "a key on an unknown topic");
    }

    /// <summary>An HTTP/1.0 POST with the bootstrap key and exactly these header lines (UTF-8), read to the end of the connection.</summary>
    internal static async Task<(int Status, string? ContentType, string Body)> RawPostAsync(BridgeProcess bridge, string path, string[] headerLines, string json)
    {
        var baseAddress = bridge.BaseAddress;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var stream = tcp.GetStream();
        var content = Encoding.UTF8.GetBytes(json);
        var head = $"POST {path} HTTP/1.0\r\nHost: {baseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {content.Length}\r\n"
            + $"Authorization: Bearer {bridge.BootstrapKey}\r\n"
            + string.Concat(headerLines.Select(l => l + "\r\n")) + "\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head));
        await stream.WriteAsync(content);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = response[..split].Split("\r\n");
        var status = int.Parse(headers[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = headers.Skip(1).Select(h => h.Split(':', 2)).Where(h => h[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(h => h[1].Trim().Split(';')[0]).FirstOrDefault();
        return (status, contentType, response[(split + 4)..]);
    }
}

/// <summary>One bridge shared by the malformed keys: each refusal stores nothing.</summary>
public sealed class IdempotencyKeyRefusalFixture : Security.HostileBridge
{
    protected override TestTopology Topology() => new TestTopology().Subscription("orders", "sink", new Uri("https://hooks.example.com/sink"));

    protected override Task SeedAsync() => Task.CompletedTask;
}

public sealed class IdempotencyKeyRefusalTests(IdempotencyKeyRefusalFixture fixture) : IClassFixture<IdempotencyKeyRefusalFixture>
{
    public static TheoryData<string, string[]> BadKeys => new()
    {
        { "an empty key", ["Idempotency-Key: "] },
        { "an empty quoted key", ["Idempotency-Key: \"\""] },
        { "a 256-character key", ["Idempotency-Key: " + new string('k', 256)] },
        { "a 256-character quoted key", ["Idempotency-Key: \"" + new string('k', 256) + "\""] },
        { "a tab inside the key", ["Idempotency-Key: abc\tdef"] },
        { "a DEL character", ["Idempotency-Key: abc\u007Fdef"] },
        { "a non-ASCII key", ["Idempotency-Key: commande-é"] },
        { "two Idempotency-Key headers", ["Idempotency-Key: one", "Idempotency-Key: two"] },
        { "a comma-separated list", ["Idempotency-Key: one, two"] },
        { "an unterminated quote", ["Idempotency-Key: \"open"] },
        { "a parameter after the quoted key", ["Idempotency-Key: \"k\";a=1"] },
        { "a bad escape", ["Idempotency-Key: \"a\\qb\""] },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task A_malformed_key_is_refused_with_400_and_stores_nothing(string what, string[] headerLines)
    {
        var before = await fixture.SnapshotAsync();

        var (status, contentType, body) = await IdempotencyKeyValidationTests.RawPostAsync(fixture.Bridge, "/api/topics/orders/events", headerLines, """{ "orderId": "1" }""");

        Assert.True(status == 400, $"{what}: expected 400, got {status}: {body}");
        Assert.Equal("application/problem+json", contentType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:bridge:problem:invalid-idempotency-key", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), what + ": the problem must explain itself");
        await fixture.AssertUnchangedAsync(before, what);
    }
}
