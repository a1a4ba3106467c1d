using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Webhooks;

/// <summary>
/// A real OAuth 2.0 token endpoint on loopback (client credentials grant, client_secret_basic): issues opaque tokens,
/// remembers which are valid, can revoke them all, answer 503 or refuse the client.
/// </summary>
internal sealed class TokenEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _valid = new(StringComparer.Ordinal);
    private int _issued;

    private TokenEndpoint(WebApplication app) => _app = app;

    public string ClientId { get; } = "bridge-client";

    public string ClientSecret { get; } = "development-only-" + Guid.NewGuid().ToString("N");

    public Uri Url { get; private set; } = null!;

    /// <summary>Tokens issued so far.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>The status every token request gets instead of a token (null: tokens are issued).</summary>
    public int? FailWith { get; set; }

    /// <summary>Scopes the last token request asked for.</summary>
    public string? LastScope { get; private set; }

    public bool IsValid(string? authorization) =>
        AuthenticationHeaderValue.TryParse(authorization, out var value) && value.Scheme == "Bearer" && value.Parameter is { } token && _valid.ContainsKey(token);

    public void RevokeAll() => _valid.Clear();

    public static async Task<TokenEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var endpoint = new TokenEndpoint(app);
        app.MapPost("/oauth/token", (Func<HttpContext, Task<IResult>>)endpoint.IssueAsync);
        await app.StartAsync();
        endpoint.Url = new Uri(app.Urls.First() + "/oauth/token");
        return endpoint;
    }

    private async Task<IResult> IssueAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        LastScope = form["scope"];
        if (FailWith is { } status)
        {
            return Results.Json(new { error = "temporarily_unavailable" }, statusCode: status);
        }
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(ClientId)}:{Uri.EscapeDataString(ClientSecret)}"));
        if (form["grant_type"] != "client_credentials" || context.Request.Headers.Authorization != expected)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }
        var token = "tok-" + Interlocked.Increment(ref _issued) + "-" + Guid.NewGuid().ToString("N")[..8];
        _valid[token] = true;
        return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 3600 });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
