using System.Diagnostics;
using Bridge.AppHost.LocalServers;
using Bridge.Tests.Support;

namespace Bridge.Tests.AppHost;

/// <summary>
/// The data directories of the AppHost's local servers: removed on stop once the servers working in them have exited
/// (ended after a grace), and on the next start when the AppHost that made them is gone. Real processes, real files.
/// </summary>
public sealed class ServerDirectoryTests : IDisposable
{
    private readonly TestDirectory _root = new();
    private readonly List<Process> _started = [];

    [Fact]
    public void A_stop_waits_for_a_server_still_writing_into_its_directory_and_then_deletes_it()
    {
        var directory = ServerDirectory.Create(_root.Path, "messaging");
        // A server finishing its stop: a second later it writes its log by absolute path, recreating what a delete removed.
        var server = Start("/bin/sh", directory, "-c", $"sleep 1; mkdir -p '{directory}/log'; echo stopped > '{directory}/log/last'");

        Assert.True(ServerDirectory.DeleteWhenServersExit(directory, TimeSpan.FromSeconds(20)));

        Assert.True(server.HasExited);
        Assert.Equal(0, server.ExitCode); // it finished its own stop: it was not ended
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void A_server_still_running_after_the_grace_is_ended_and_its_directory_deleted()
    {
        var directory = ServerDirectory.Create(_root.Path, "cache");
        var server = Start("/bin/sleep", directory, "60");

        var clock = Stopwatch.StartNew();
        Assert.True(ServerDirectory.DeleteWhenServersExit(directory, TimeSpan.FromSeconds(1)));

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(5)), "the server outlived the stop");
        Assert.False(Directory.Exists(directory));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {clock.Elapsed}");
    }

    [Fact]
    public void The_next_start_deletes_the_directories_of_gone_AppHosts_unless_a_server_still_works_in_them()
    {
        var gonePid = GonePid();
        var ours = ServerDirectory.Create(_root.Path, "cache");
        var gone = Directory.CreateDirectory(Path.Combine(_root.Path, $"messaging-{gonePid}-1700000000000-0123abcd")).FullName;
        var olderLayout = Directory.CreateDirectory(Path.Combine(_root.Path, $"postgres-{gonePid}-4567cdef")).FullName;
        var busy = Directory.CreateDirectory(Path.Combine(_root.Path, $"postgres-{gonePid}-1700000000000-89abcdef")).FullName;
        File.WriteAllText(Path.Combine(gone, "dump.rdb"), "data");
        var orphan = Start("/bin/sleep", busy, "60");

        Assert.Equal(new[] { gone, olderLayout }.Order(), ServerDirectory.DeleteStale(_root.Path).Order());
        Assert.True(Directory.Exists(ours), "a live AppHost's directory was deleted");
        Assert.True(Directory.Exists(busy), "a directory a server still works in was deleted");

        orphan.Kill();
        orphan.WaitForExit();
        Assert.Equal([busy], ServerDirectory.DeleteStale(_root.Path));
        Assert.True(Directory.Exists(ours));
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            process.Dispose();
        }
        _root.Dispose();
    }

    private Process Start(string command, string workingDirectory, params string[] arguments)
    {
        var process = Process.Start(new ProcessStartInfo(command, arguments) { WorkingDirectory = workingDirectory, UseShellExecute = false })!;
        _started.Add(process);
        return process;
    }

    /// <summary>The pid of a process that has exited.</summary>
    private static int GonePid()
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
