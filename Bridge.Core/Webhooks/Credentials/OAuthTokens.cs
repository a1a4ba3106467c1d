using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Bridge.Webhooks.Credentials;

/// <summary>
/// Bearer tokens of OAuth 2.0 clients (client credentials grant), fetched from the token endpoint through the webhook
/// HttpClient (so the destination policy applies to it too), cached until shortly before they expire, one fetch at a
/// time per client. A token the endpoint refused (401) is dropped with <see cref="Invalidate"/> and fetched again.
/// </summary>
public sealed class OAuthTokens(IHttpClientFactory httpClientFactory, TimeProvider timeProvider)
{
    /// <summary>The <see cref="WebhookCallResult.ErrorType"/> of an attempt that got no token.</summary>
    public const string ErrorType = "oauth_token";

    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<OAuthClient, Entry> _entries = new();

    /// <summary>A cached or freshly fetched token, or why there is none (transient: retry later; otherwise permanent).</summary>
    public async Task<(string? Token, string? Error, bool Transient)> GetAsync(OAuthClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var entry = _entries.GetOrAdd(client, _ => new Entry());
        if (entry.Valid(timeProvider.GetUtcNow()) is { } cached)
        {
            return (cached, null, false);
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (entry.Valid(timeProvider.GetUtcNow()) is { } fetchedMeanwhile)
            {
                return (fetchedMeanwhile, null, false);
            }
            var (token, lifetime, error, transient) = await FetchAsync(client, cancellationToken);
            if (token is not null)
            {
                entry.Set(token, timeProvider.GetUtcNow() + lifetime - (lifetime > Margin * 2 ? Margin : lifetime / 2));
            }
            return (token, error, transient);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Drops <paramref name="token"/> (the endpoint answered 401 to it), unless a newer one replaced it already.</summary>
    public void Invalidate(OAuthClient client, string token)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (_entries.TryGetValue(client, out var entry))
        {
            entry.Clear(token);
        }
    }

    /// <summary>
    /// Drops whatever is cached for <paramref name="client"/>: its subscription changed its credentials or went away, so
    /// the token of the old client is not kept (a client still in use fetches a new one when it next needs it).
    /// </summary>
    public void Forget(OAuthClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _entries.TryRemove(client, out _);
    }

    private async Task<(string? Token, TimeSpan Lifetime, string? Error, bool Transient)> FetchAsync(OAuthClient client, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (client.Scope is { } scope)
        {
            form.Add(new("scope", scope));
        }
        if (client.SecretInBody)
        {
            form.Add(new("client_id", client.ClientId));
            form.Add(new("client_secret", client.ClientSecret));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, client.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!client.SecretInBody)
        {
            // RFC 6749, 2.3.1: id and secret form-encoded, then joined for HTTP Basic.
            request.Headers.Authorization = HttpBasic.Header(Uri.EscapeDataString(client.ClientId), Uri.EscapeDataString(client.ClientSecret));
        }

        try
        {
            using var response = await httpClientFactory.CreateClient(WebhookSender.HttpClientName).SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var transient = WebhookSender.Classify(response.StatusCode) == AttemptOutcome.Failed; // the webhook's own rule
                return (null, default, $"the token endpoint {client.TokenUrl} answered {status} {Excerpt(text)}".TrimEnd(), transient);
            }
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (!root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 } value)
            {
                return (null, default, $"the token endpoint {client.TokenUrl} answered without an access_token", true);
            }
            var seconds = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var s) && s > 0 ? s : 3600;
            return (value, TimeSpan.FromSeconds(seconds), null, false);
        }
        catch (JsonException)
        {
            return (null, default, $"the token endpoint {client.TokenUrl} answered something that is not JSON", true);
        }
        catch (HttpRequestException ex) when (ex.InnerException is Destinations.DestinationNotAllowedException refused)
        {
            return (null, default, $"the token endpoint {client.TokenUrl} is not allowed: {refused.Message}", false);
        }
        catch (HttpRequestException ex)
        {
            return (null, default, $"the token endpoint {client.TokenUrl} could not be reached: {ex.Message}", true);
        }
    }

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200];

    private sealed class Entry
    {
        private Current? _current;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Valid(DateTimeOffset now) => Volatile.Read(ref _current) is { } c && c.Until > now ? c.Token : null;

        public void Set(string token, DateTimeOffset until) => Volatile.Write(ref _current, new Current(token, until));

        public void Clear(string token)
        {
            if (Volatile.Read(ref _current) is { } c && c.Token == token)
            {
                Interlocked.CompareExchange(ref _current, null, c);
            }
        }

        private sealed record Current(string Token, DateTimeOffset Until);
    }
}
