using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Security;

/// <summary>
/// One real bridge process shared by a class of hostile tests: identities with keys, clients that can come from any
/// 127.0.0.x address (so per-address limits of one test do not touch another), and the store snapshot that proves a
/// refused request stored nothing.
/// </summary>
public abstract class HostileBridge : IAsyncLifetime
{
    private readonly List<HttpClient> _clients = [];

    public TestDirectory Data { get; } = new();

    public BridgeProcess Bridge { get; private set; } = null!;

    /// <summary>API keys by identity name.</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>The bootstrap (admin) client.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await StartDependenciesAsync();
        Bridge = await BridgeProcess.StartAsync(Data.Path, Topology().Settings);
        Admin = Bridge.CreateClient();
        await SeedAsync();
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        Admin.Dispose();
        await Bridge.DisposeAsync();
        Data.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The configuration of the bridge.</summary>
    protected abstract TestTopology Topology();

    /// <summary>Listeners and receivers the topology refers to, started before the bridge.</summary>
    protected virtual Task StartDependenciesAsync() => Task.CompletedTask;

    /// <summary>Publishers and keys, made with the admin client once the bridge listens.</summary>
    protected abstract Task SeedAsync();

    /// <summary>Creates publisher <paramref name="name"/> with <paramref name="scopes"/> and keeps an API key of it under its name.</summary>
    protected async Task IdentityAsync(string name, params string[] scopes)
    {
        await SecurityClient.CreatePublisherAsync(Admin, name, scopes);
        (Keys[name + ":id"], Keys[name]) = await SecurityClient.IssueKeyAsync(Admin, name);
    }

    /// <summary>A client for <paramref name="identity"/> (<c>anonymous</c>: none; <c>admin</c>: the bootstrap key), optionally from 127.0.0.<paramref name="from"/>.</summary>
    public HttpClient Client(string identity, int from = 1)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false, // a test sets the console cookie itself
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse($"127.0.0.{from}"), 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Bridge.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var key = identity switch
        {
            "anonymous" => null,
            "admin" => Bridge.BootstrapKey,
            _ => Keys.TryGetValue(identity, out var known) ? known : identity,
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        _clients.Add(client);
        return client;
    }

    /// <summary>A snapshot of the store once earlier requests' background writes have settled (see <see cref="StoreSnapshot.SettledAsync"/>).</summary>
    public async Task<StoreSnapshot> SnapshotAsync() => (await StoreSnapshot.SettledAsync(Data.Path, () => 0, TimeSpan.FromSeconds(20))).Store;

    /// <summary>Lets background writers settle, then fails when anything was stored since <paramref name="before"/>.</summary>
    public async Task AssertUnchangedAsync(StoreSnapshot before, string what)
    {
        ArgumentNullException.ThrowIfNull(before);
        await Task.Delay(200);
        before.AssertUnchanged(StoreSnapshot.Take(Data.Path), what);
    }

    /// <summary>Sends a request with an optional JSON body; returns the status, the parsed body (default when empty) and the response.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    /// <summary>Asserts a ProblemDetails answer: the status, <c>application/problem+json</c> and the <c>type</c>.</summary>
    public static void AssertProblem(HttpStatusCode expected, string type, (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) answer, string what)
    {
        var (status, body, response) = answer;
        Assert.True(expected == status, $"{what}: expected {(int)expected}, got {(int)status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:bridge:problem:" + type, body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()), what + ": the problem has no detail");
    }
}
