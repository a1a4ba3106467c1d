using System.Net.Sockets;

namespace Bridge.Webhooks.Destinations;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of every webhook call: resolves the host itself and connects only
/// to the addresses <see cref="DestinationPolicy"/> allows, so what was checked is what is connected to (no second lookup
/// a rebinding name could answer differently).
/// </summary>
internal static class GuardedConnection
{
    /// <summary>A handler whose every connection passes <paramref name="policy"/>; no proxy (the check must see the real destination).</summary>
    public static SocketsHttpHandler Handler(DestinationPolicy policy) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        MaxConnectionsPerServer = 256,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(DestinationPolicy policy, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await policy.ResolveAllowedAsync(context.DnsEndPoint.Host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
