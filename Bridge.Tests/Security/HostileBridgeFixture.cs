using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Security;

/// <summary>
/// One real bridge process and webhook receiver (subscription <c>sink</c> of <c>erp-events</c>) shared by a class of
/// hostile cases; <see cref="AssertRefusedAsync"/> proves a refusal: status, a ProblemDetails with a stable type and a
/// detail, nothing stored in either SQLite file and nothing delivered.
/// </summary>
public abstract class HostileBridgeFixture : IAsyncLifetime
{
    public TestDirectory Data { get; } = new();

    public WebhookReceiver Receiver { get; private set; } = null!;

    public BridgeProcess Bridge { get; private set; } = null!;

    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    public WebhookReceiver.Hook Sink => Receiver["sink"];

    public async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        // Many cases fail authentication from 127.0.0.1 on purpose.
        var topology = new TestTopology().Subscription("erp-events", "sink", Receiver.UrlOf("sink")).WithoutAuthenticationThrottle();
        Configure(topology);
        Bridge = await BridgeProcess.StartAsync(Data.Path, topology.Settings);
        using var admin = Bridge.CreateClient();
        await SeedAsync(admin);
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        await Receiver.DisposeAsync();
        Data.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds settings to the topology.</summary>
    protected virtual void Configure(TestTopology topology)
    {
    }

    /// <summary>Creates publishers, keys, contracts or transforms with the bootstrap key.</summary>
    protected virtual Task SeedAsync(HttpClient admin) => Task.CompletedTask;

    /// <summary>Sends <paramref name="request"/> and proves it was refused as <paramref name="status"/> <c>urn:bridge:problem:{problem}</c>, storing and delivering nothing.</summary>
    public async Task AssertRefusedAsync(HttpClient client, HttpRequestMessage request, string what, int status, string problem)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (before, delivered) = await QuietAsync();

        using var response = await client.SendAsync(request);

        await AssertProblemAsync(response, what, status, problem);
        await Task.Delay(300);
        before.AssertUnchanged(StoreSnapshot.Take(Data.Path), what);
        Assert.True(delivered == Sink.Received.Count, $"{what}: something was delivered");
    }

    /// <summary>Waits until earlier accepted events have settled (see <see cref="StoreSnapshot.SettledAsync"/>).</summary>
    private Task<(StoreSnapshot Store, int Delivered)> QuietAsync() => StoreSnapshot.SettledAsync(Data.Path, () => Sink.Received.Count, TimeSpan.FromSeconds(20));

    /// <summary>Asserts <paramref name="response"/> is a ProblemDetails of <paramref name="status"/> and type <c>urn:bridge:problem:{problem}</c> that leaks nothing.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, string what, int status, string problem)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{what}: expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: not a ProblemDetails ({response.Content.Headers.ContentType}): {body}");
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:bridge:problem:" + problem, json.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()), what);
        Assert.False(json.TryGetProperty("exception", out _), $"{what}: the problem carries exception details");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
    }
}
