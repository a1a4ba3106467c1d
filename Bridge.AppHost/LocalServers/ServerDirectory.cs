using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace Bridge.AppHost.LocalServers;

/// <summary>
/// The temp directory and the loopback port of a server the AppHost runs as an executable. The directory is deleted
/// when the application has stopped (its processes ended by then), so nothing of a run is left behind.
/// </summary>
internal static class ServerDirectory
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "bridge-apphost");

    /// <summary>Creates an empty directory for <paramref name="name"/>'s data, deleted when the application stops.</summary>
    public static string Create(IDistributedApplicationBuilder builder, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, $"{name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}")).FullName;
        builder.Services.AddHostedService(sp => new Cleanup(sp.GetRequiredService<IHostApplicationLifetime>(), directory));
        return directory;
    }

    /// <summary>A TCP port on 127.0.0.1 that is free now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Registered when the host resolves its services, so the directory goes even if start-up is cut short.</summary>
    private sealed class Cleanup : IHostedService
    {
        private readonly string _directory;

        public Cleanup(IHostApplicationLifetime lifetime, string directory)
        {
            _directory = directory;
            lifetime.ApplicationStopped.Register(Delete);
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        /// <summary>Deletes the directory, retrying while a server still finishing its stop writes into it (up to 15 s).</summary>
        private void Delete()
        {
            for (var attempt = 1; Directory.Exists(_directory); attempt++)
            {
                try
                {
                    Directory.Delete(_directory, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && attempt < 30)
                {
                    Thread.Sleep(500);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return; // left for the OS's temp cleanup
                }
            }
        }
    }
}
