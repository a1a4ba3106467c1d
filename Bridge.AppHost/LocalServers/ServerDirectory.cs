using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace Bridge.AppHost.LocalServers;

/// <summary>
/// The temp directory and the loopback port of a server the AppHost runs as an executable. A directory is named for
/// the AppHost process that made it (<c>{server}-{pid}-{start}-{random}</c>) and is deleted when the application has
/// stopped, once the servers working in it have exited; on the next start, the directories of AppHost processes that
/// are gone (killed before they could clean up) are deleted too, unless a server still works in them.
/// </summary>
internal static class ServerDirectory
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "bridge-apphost");
    private static int _swept;

    /// <summary>How long a stop waits for the servers to leave their directory before it ends them.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>Creates an empty directory for <paramref name="name"/>'s data, deleted when the application stops.</summary>
    public static string Create(IDistributedApplicationBuilder builder, string name)
    {
        if (Interlocked.Exchange(ref _swept, 1) == 0)
        {
            DeleteStale(Root);
        }

        var directory = Create(Root, name);
        builder.Services.AddHostedService(sp => new Cleanup(sp.GetRequiredService<IHostApplicationLifetime>(), directory));
        return directory;
    }

    /// <summary>Creates <c>{root}/{name}-{pid}-{start}-{random}</c> for this process.</summary>
    public static string Create(string root, string name)
    {
        var owner = ServerProcesses.Current;
        var unique = Guid.NewGuid().ToString("N")[..8];
        return Directory.CreateDirectory(Path.Combine(root, $"{name}-{owner.Pid}-{owner.StartedAt}-{unique}")).FullName;
    }

    /// <summary>
    /// Deletes the directories under <paramref name="root"/> whose AppHost process is gone and in which no process
    /// works any more; returns them. A directory of the older layout (<c>{server}-{pid}-{random}</c>) is its pid's while that pid runs.
    /// </summary>
    public static IReadOnlyList<string> DeleteStale(string root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        var deleted = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            if (OwnerOf(directory) is { } owner && ServerProcesses.IsAlive(owner))
            {
                continue;
            }
            if (ServerProcesses.WorkingIn(directory).Count == 0 && TryDelete(directory, attempts: 1))
            {
                deleted.Add(directory);
            }
        }
        return deleted;
    }

    /// <summary>
    /// Waits up to <paramref name="grace"/> for every process working in <paramref name="directory"/> to exit (a server
    /// still finishing its stop writes into it), ends those left, then deletes it; false if it could not.
    /// </summary>
    public static bool DeleteWhenServersExit(string directory, TimeSpan grace)
    {
        if (!WaitUntilLeft(directory, grace))
        {
            ServerProcesses.Kill(ServerProcesses.WorkingIn(directory));
            WaitUntilLeft(directory, TimeSpan.FromSeconds(5));
        }
        return TryDelete(directory, attempts: 30);
    }

    /// <summary>A TCP port on 127.0.0.1 that is free now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ServerProcesses.Owner? OwnerOf(string directory)
    {
        var parts = Path.GetFileName(directory).Split('-');
        if (parts.Length >= 4
            && int.TryParse(parts[^3], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var startedAt))
        {
            return new ServerProcesses.Owner(pid, startedAt);
        }

        // The older layout, {server}-{pid}-{random}: its owner is the pid, whenever it started.
        return parts.Length >= 3 && int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var olderPid)
            ? new ServerProcesses.Owner(olderPid, StartedAt: null)
            : null;
    }

    /// <summary>True once no process works in <paramref name="directory"/>; false if some still do after <paramref name="patience"/>.</summary>
    private static bool WaitUntilLeft(string directory, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        while (ServerProcesses.WorkingIn(directory).Count > 0)
        {
            if (waited.Elapsed > patience)
            {
                return false;
            }
            Thread.Sleep(100);
        }
        return true;
    }

    /// <summary>Deletes the directory, retrying every 500 ms while something still writes into it.</summary>
    private static bool TryDelete(string directory, int attempts)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt >= attempts)
                {
                    return false; // left for the next start, or the OS's temp cleanup
                }
                Thread.Sleep(500);
            }
        }
        return true;
    }

    /// <summary>Registered when the host resolves its services, so the directory goes even if start-up is cut short.</summary>
    private sealed class Cleanup : IHostedService
    {
        public Cleanup(IHostApplicationLifetime lifetime, string directory) =>
            lifetime.ApplicationStopped.Register(() => DeleteWhenServersExit(directory, StopGrace));

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
