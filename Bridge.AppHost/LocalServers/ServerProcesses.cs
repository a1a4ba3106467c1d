using System.Diagnostics;
using System.Globalization;

namespace Bridge.AppHost.LocalServers;

/// <summary>
/// The processes behind the servers' directories, read from <c>/proc</c>: an AppHost process (pid and start time, so
/// a reused pid is not taken for it) and the processes whose working directory lies inside a server's directory —
/// the server, started there, and whatever it started. Elsewhere than Linux nothing is found.
/// </summary>
internal static class ServerProcesses
{
    /// <summary>A process as a directory name records it: its pid and its start in Unix milliseconds (unknown in the older layout).</summary>
    internal sealed record Owner(int Pid, long? StartedAt);

    /// <summary>This process.</summary>
    public static Owner Current { get; } = Of(Environment.ProcessId)!;

    /// <summary>The process <paramref name="pid"/>, or null if there is none.</summary>
    public static Owner? Of(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return new Owner(pid, new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds());
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>True while <paramref name="owner"/> runs: the pid exists and started when the owner did (within a second).</summary>
    public static bool IsAlive(Owner owner) =>
        Of(owner.Pid) is { } running && (owner.StartedAt is not { } started || Math.Abs(running.StartedAt!.Value - started) < 1000);

    /// <summary>The pids of the processes whose working directory is <paramref name="directory"/> or inside it.</summary>
    public static IReadOnlyList<int> WorkingIn(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var inside = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var pids = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var cwd = Directory.ResolveLinkTarget(Path.Combine(entry, "cwd"), returnFinalTarget: false)?.FullName;
                if (cwd is not null && (cwd == inside || cwd.StartsWith(inside + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or another user's process we may not look into.
            }
        }
        return pids;
    }

    /// <summary>Ends <paramref name="pids"/> (processes that outlived the stop of the application that started them).</summary>
    public static void Kill(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }
    }
}
