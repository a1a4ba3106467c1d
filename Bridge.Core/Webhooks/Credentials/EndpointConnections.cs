using System.Collections.Concurrent;
using Bridge.Webhooks.Destinations;

namespace Bridge.Webhooks.Credentials;

/// <summary>
/// One HttpClient per distinct <see cref="EndpointTls"/> (client certificate and server authority): the TLS settings
/// belong to the connection, so such endpoints cannot share the pool of the plain webhook client. Each connects through
/// the same <see cref="DestinationPolicy"/> check.
/// </summary>
public sealed class EndpointConnections(DestinationPolicy policy) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<HttpClient>> _clients = new(StringComparer.Ordinal);

    /// <summary>The client of <paramref name="tls"/>'s settings.</summary>
    public HttpClient For(EndpointTls tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return _clients.GetOrAdd(tls.PoolKey, _ => new Lazy<HttpClient>(() =>
        {
            var handler = GuardedConnection.Handler(policy);
            tls.Apply(handler.SslOptions);
            var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.ParseAdd(WebhookSender.UserAgent);
            return client;
        })).Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
