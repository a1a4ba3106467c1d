using System.Net;
using System.Net.Sockets;

namespace Bridge.Testing;

/// <summary>
/// Finds a TCP port on 127.0.0.1 that is free now, for a server process that will bind it moments later. The port is
/// taken from below the kernel's ephemeral range, where the outgoing connections of a busy test run cannot take it
/// first (a port picked by binding port 0 is an ephemeral one, and a broker that then finds it in use exits), and never
/// handed out twice by this process.
/// </summary>
public static class FreePort
{
    private const int Lowest = 20_000;
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        var below = EphemeralRangeStart();
        lock (HandedOut)
        {
            for (var tries = 0; below > Lowest + 1_000 && tries < 200; tries++)
            {
                var port = Random.Shared.Next(Lowest, below);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }

            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var any = ((IPEndPoint)listener.LocalEndpoint).Port;
            HandedOut.Add(any);
            return any;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            var first = File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
