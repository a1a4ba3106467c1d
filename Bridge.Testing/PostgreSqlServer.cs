using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Bridge.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 cluster (Debian's package): <c>initdb</c> into a temp directory, the server on a free
/// 127.0.0.1 port with its unix socket in that directory, fsync off, trust authentication. Run as the <c>postgres</c>
/// OS user when the tests run as root (the server refuses root). Disposing stops it with <c>pg_ctl stop -m fast</c>,
/// then by PID if it is still running, and deletes the directory.
/// </summary>
public sealed partial class PostgreSqlServer : IAsyncDisposable
{
    private const string Binaries = "/usr/lib/postgresql/15/bin";
    private const string OsUser = "postgres";

    private Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output;
    private bool _disposed;

    private PostgreSqlServer(Process process, string directory, ConcurrentQueue<string> output, int port)
    {
        _process = process;
        _directory = directory;
        _output = output;
        Port = port;
    }

    public int Port { get; }

    /// <summary>How long <see cref="StartAsync"/> took, initdb included.</summary>
    public TimeSpan StartupTime { get; private set; }

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>An Npgsql connection string to <paramref name="database"/> as the <c>postgres</c> superuser.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Include Error Detail=true";

    /// <summary>Creates a cluster, starts its server and waits until it accepts connections.</summary>
    public static async Task<PostgreSqlServer> StartAsync()
    {
        var postgres = Path.Combine(Binaries, "postgres");
        if (!File.Exists(postgres))
        {
            throw new InvalidOperationException(
                $"{postgres} is missing. Install it with 'apt-get install postgresql' (./eng/setup.sh does) and run the tests again.");
        }

        var clock = Stopwatch.StartNew();
        var parent = Path.Combine(Path.GetTempPath(), "bridge-postgres");
        var directory = Path.Combine(parent, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
        {
            // The server's OS user must reach its directory whatever the umask.
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            await RunAsync("chown", OsUser + ":" + OsUser, directory);
        }

        var data = Path.Combine(directory, "data");
        await RunAsync(AsServerUser(Path.Combine(Binaries, "initdb")),
            "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions");

        var port = FreePort.Next();
        var output = new ConcurrentQueue<string>();
        var server = new PostgreSqlServer(Launch(directory, port, output), directory, output, port);
        try
        {
            await server.WaitUntilAcceptingAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        server.StartupTime = clock.Elapsed;
        return server;
    }

    /// <summary>Stops the server (fast shutdown, as an outage), keeping its data for <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(AsServerUser(Path.Combine(Binaries, "pg_ctl")), "stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30");
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts the stopped server again on the same port and data and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        _process.Dispose();
        _process = Launch(_directory, Port, _output);
        await WaitUntilAcceptingAsync(TimeSpan.FromSeconds(60));
    }

    private static Process Launch(string directory, int port, ConcurrentQueue<string> output)
    {
        var start = Start(AsServerUser(Path.Combine(Binaries, "postgres")),
            "-D", Path.Combine(directory, "data"), "-p", port.ToString(CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-k", directory,
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300");
        var process = Process.Start(start) ?? throw new InvalidOperationException("postgres did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Creates an empty database named <paramref name="name"/> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a database name of 1–63 lower-case letters, digits or '_'.", nameof(name));
        }

        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server (fast shutdown, then by PID) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NpgsqlConnection.ClearAllPools();
        var serverPid = ReadServerPid();
        try
        {
            await RunAsync(AsServerUser(Path.Combine(Binaries, "pg_ctl")), "stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30");
        }
        catch (InvalidOperationException)
        {
            // not running, or did not stop in time: by PID below
        }

        if (serverPid is { } pid)
        {
            KillIfRunning(pid);
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
    }

    private async Task WaitUntilAcceptingAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false, Timeout = 5 }.ConnectionString;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"postgres exited with {_process.ExitCode}:\n{string.Join('\n', _output)}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < timeout)
            {
                await Task.Delay(50);
            }
            catch (NpgsqlException ex)
            {
                throw new TimeoutException($"postgres did not accept connections within {timeout}:\n{string.Join('\n', _output)}", ex);
            }
        }
    }

    private int? ReadServerPid()
    {
        var file = Path.Combine(DataDirectory, "postmaster.pid");
        try
        {
            var first = File.ReadLines(file).FirstOrDefault();
            return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void KillIfRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            if (!process.HasExited && process.ProcessName.StartsWith("postgres", StringComparison.Ordinal))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    /// <summary>The command line that runs <paramref name="binary"/> as the server's OS user: itself, or through runuser as root.</summary>
    private static string[] AsServerUser(string binary) =>
        Environment.IsPrivilegedProcess ? ["runuser", "-u", OsUser, "--", binary] : [binary];

    private static ProcessStartInfo Start(string[] command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in command.Skip(1).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    private static Task RunAsync(string file, params string[] arguments) => RunAsync([file], arguments);

    private static async Task RunAsync(string[] command, params string[] arguments)
    {
        using var process = Process.Start(Start(command, arguments)) ?? throw new InvalidOperationException($"{command[^1]} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{string.Join(' ', command)} {string.Join(' ', arguments)} did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{string.Join(' ', command)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}{await stderr}");
        }
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex DatabaseName();
}
