using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Bridge.Tests.Support;
using static Bridge.Tests.Security.HostileBridge;

namespace Bridge.Tests.Security;

/// <summary>
/// A bridge without any allow-list, a TCP listener on 127.0.0.1 that counts the connections it accepts, and configured
/// subscriptions pointing at that listener by address and by name: the connect-time guard must refuse them all.
/// </summary>
public sealed class SsrfFixture : HostileBridge
{
    private TcpListener _listener = null!;
    private int _accepted;
    private Task _accepting = Task.CompletedTask;

    /// <summary>TCP connections the listener on 127.0.0.1 accepted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    protected override Task StartDependenciesAsync()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    using var connection = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _accepted);
                }
                catch (Exception ex) when (ex is ObjectDisposedException or SocketException or InvalidOperationException)
                {
                    return;
                }
            }
        });
        return Task.CompletedTask;
    }

    protected override TestTopology Topology() => new TestTopology()
        .Subscription("erp-events", "internal", new Uri($"http://127.0.0.1:{Port}/hook"), maxAttempts: 3)
        .Subscription("erp-events", "named", new Uri($"http://localhost:{Port}/hook"), maxAttempts: 3)
        .Without(TestTopology.LoopbackAllowance)
        .With("Bridge:Subscriptions:AllowHttpLoopback", "true") // so a loopback URL is judged by the destination guard, not its scheme
        .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200")
        .With("Bridge:Subscriptions:CreationsPerMinute", "100000"); // every case creates; the creation limit is AuthThrottlingTests'


    protected override async Task SeedAsync()
    {
        await IdentityAsync("tenant", "subscribe:erp-events");
        using var created = await Client("tenant").PostAsJsonAsync("/api/topics/erp-events/subscriptions", new
        {
            name = "legit",
            url = "https://hooks.example.com/legit",
            // Matches none of the events the cases publish: no retries of an unreachable host write attempts between snapshots.
            filter = new { types = new[] { "legit.never-published" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public override async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
        await base.DisposeAsync();
    }
}

public sealed class SsrfTests(SsrfFixture fixture) : IClassFixture<SsrfFixture>
{
    private const string Route = "/api/topics/erp-events/subscriptions";

    /// <summary>Hostile webhook URLs and why each is not public; {port} is the counting listener's.</summary>
    public static TheoryData<string> HostileUrls =>
    [
        "https://127.0.0.1/", "http://127.0.0.1:{port}/hook", "https://127.255.255.254/", "https://[::1]/", "http://[::1]:{port}/hook",
        "https://localhost/", "http://localhost:{port}/hook", "https://api.localhost/", "https://LOCALHOST./",
        "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/", "https://10.255.255.255/", "https://172.16.0.1/",
        "https://172.31.255.254/", "https://192.168.1.1/", "https://100.64.0.1/", "https://100.127.255.254/", "https://0.0.0.0/",
        "https://[::]/", "https://[::ffff:127.0.0.1]/", "http://[::ffff:127.0.0.1]:{port}/hook", "https://[::ffff:7f00:1]/",
        "https://[::ffff:169.254.169.254]/", "https://[::ffff:10.0.0.1]/", "https://[::127.0.0.1]/", "https://2130706433/",
        "http://2130706433:{port}/hook", "https://0x7f000001/", "https://0x7f.0.0.1/", "https://0177.0.0.1/", "https://017700000001/",
        "https://127.1/", "https://127.0.1/", "https://[fe80::1]/", "https://[fe80::1%25eth0]/", "https://[fc00::1]/",
        "https://[fd12:3456:789a::1]/", "https://224.0.0.1/", "https://239.255.255.250/", "https://255.255.255.255/",
        "https://240.0.0.1/", "https://[ff02::1]/", "https://[64:ff9b::7f00:1]/", "https://[2002:7f00:1::1]/",
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "https://198.18.0.1/", "https://192.0.0.8/", "https://[::ffff:0:7f00:1]/",
    ];

    [Theory]
    [MemberData(nameof(HostileUrls))]
    public async Task A_subscription_to_a_non_public_address_is_refused_at_registration_and_nothing_is_stored_or_called(string hostile)
    {
        var url = hostile.Replace("{port}", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var accepted = fixture.Accepted;
        var before = await fixture.SnapshotAsync();

        var answer = await SendAsync(fixture.Client("tenant"), HttpMethod.Post, Route, new { name = "probe", url });

        using (answer.Response)
        {
            AssertProblem(HttpStatusCode.BadRequest, "destination-not-allowed", answer, url);
            Assert.True(answer.Body.GetProperty("errors").TryGetProperty("url", out _), url + ": the problem names the url");
        }
        await fixture.AssertUnchangedAsync(before, url);
        Assert.Equal(accepted, fixture.Accepted);
    }

    public static TheoryData<string> RedirectTargets =>
    [
        "https://127.0.0.1/", "http://127.0.0.1:{port}/hook", "https://[::ffff:127.0.0.1]/", "https://169.254.169.254/", "https://10.0.0.1/",
        "https://localhost/", "https://2130706433/", "https://[fd00::1]/",
    ];

    [Theory]
    [MemberData(nameof(RedirectTargets))]
    public async Task An_existing_subscription_cannot_be_redirected_to_a_non_public_address(string hostile)
    {
        var url = hostile.Replace("{port}", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var client = fixture.Client("tenant");
        var before = await fixture.SnapshotAsync();

        var answer = await SendAsync(client, HttpMethod.Put, Route + "/legit", new { url });

        using (answer.Response)
        {
            AssertProblem(HttpStatusCode.BadRequest, "destination-not-allowed", answer, url);
        }
        await fixture.AssertUnchangedAsync(before, url);
        var current = await SendAsync(client, HttpMethod.Get, Route + "/legit");
        using (current.Response)
        {
            Assert.Equal("https://hooks.example.com/legit", current.Body.GetProperty("url").GetString());
        }
    }

    [Theory]
    [InlineData("internal")]
    [InlineData("named")]
    public async Task A_configured_webhook_on_loopback_is_refused_at_connect_time_dead_lettered_once_and_never_connected(string subscription)
    {
        var accepted = fixture.Accepted;
        using var publish = await fixture.Admin.PostAsync("/api/topics/erp-events/events",
            new StringContent($$"""{ "orderId": "{{subscription}}" }""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, publish.StatusCode);
        var messageId = JsonDocument.Parse(await publish.Content.ReadAsStringAsync()).RootElement.GetProperty("messageId").GetString();

        var deadLetter = await EventuallyAsync(async () =>
        {
            var page = await fixture.Admin.GetFromJsonAsync<JsonElement>($"/api/topics/erp-events/subscriptions/{subscription}/dead-letters");
            return page.GetProperty("items").EnumerateArray().FirstOrDefault(d => d.GetProperty("messageId").GetString() == messageId);
        });

        Assert.Equal("DestinationNotAllowed", deadLetter.GetProperty("reason").GetString());
        Assert.Equal(1, deadLetter.GetProperty("deliveryCount").GetInt32()); // permanent: never retried
        Assert.Contains("loopback", deadLetter.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(accepted, fixture.Accepted);
        Assert.Equal(0, fixture.Accepted);

        // The refused attempt is recorded (written after the dead-lettering): later cases then start from a settled store.
        var attempts = await EventuallyAsync(async () =>
        {
            var page = await fixture.Admin.GetFromJsonAsync<JsonElement>($"/api/messages/{messageId}/attempts");
            return page.EnumerateArray().FirstOrDefault(a => a.GetProperty("subscription").GetString() == subscription);
        });
        Assert.Equal(1, attempts.GetProperty("attempt").GetInt32());
    }

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = await probe();
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, "nothing found within 30 s");
            await Task.Delay(100);
        }
    }
}
