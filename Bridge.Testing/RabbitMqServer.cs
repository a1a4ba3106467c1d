using System.Diagnostics;
using System.Net.Sockets;
using RabbitMQ.Client;

namespace Bridge.Testing;

/// <summary>
/// A real rabbitmq-server (Debian's package): loopback ports that are free, data, logs and Erlang cookie in a temp
/// directory, no plugins. Disposing stops it with rabbitmqctl and then by PID, together with the epmd it started.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string Binaries = "/usr/lib/rabbitmq/bin";

    private Process _process;
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;

    private RabbitMqServer(Process process, string directory, Dictionary<string, string> environment, string node, int port)
    {
        _process = process;
        _directory = directory;
        _environment = environment;
        Node = node;
        Port = port;
    }

    public string Node { get; }

    public int Port { get; }

    /// <summary>An Aspire-style connection string: <c>amqp://guest:guest@127.0.0.1:{port}/</c>.</summary>
    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";

    public async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = new Uri(ConnectionString) }.CreateConnectionAsync();

    /// <summary>Starts a server whose Erlang node is named <c>{nodePrefix}-{pid}@localhost</c> and waits until it accepts connections.</summary>
    public static async Task<RabbitMqServer> StartAsync(string nodePrefix)
    {
        var server = Path.Combine(Binaries, "rabbitmq-server");
        if (!File.Exists(server))
        {
            throw new InvalidOperationException(
                $"{server} is missing. Install it with 'apt-get install rabbitmq-server' (./eng/setup.sh does) and run the tests again.");
        }

        var directory = Path.Combine(Path.GetTempPath(), "bridge-rabbitmq", Guid.NewGuid().ToString("N")[..12]);
        foreach (var sub in new[] { "home", "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].");
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), "loopback_users = none\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq-env.conf"), "");

        var port = FreePort.Next();
        var node = $"{nodePrefix}-{Environment.ProcessId}@localhost";
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(directory, "home"),
            ["RABBITMQ_NODENAME"] = node,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(directory, "rabbitmq-env.conf"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(directory, "rabbitmq.pid"),
        };

        var instance = new RabbitMqServer(Launch(server, directory, environment), directory, environment, node, port);
        await instance.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), disposeOnTimeout: true);
        return instance;
    }

    /// <summary>Stops the node (as an outage would), keeping its data for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await RunAsync(Path.Combine(Binaries, "rabbitmqctl"), "-n", Node, "stop");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Starts the stopped node again on the same ports and data. A slow start (a loaded machine) is waited for up to
    /// five minutes and never deletes the data: the queues it holds are what a restart must keep.
    /// </summary>
    public async Task RestartAsync()
    {
        _process.Dispose();
        _process = Launch(Path.Combine(Binaries, "rabbitmq-server"), _directory, _environment);
        await WaitUntilReadyAsync(TimeSpan.FromMinutes(5), disposeOnTimeout: false);
    }

    private static Process Launch(string server, string directory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, bool disposeOnTimeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {_process.ExitCode}; see {Path.Combine(_directory, "log")}.");
            }

            try
            {
                await using var connection = await ConnectAsync();
                return;
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or SocketException or IOException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    if (disposeOnTimeout)
                    {
                        await DisposeAsync();
                    }
                    throw new TimeoutException($"rabbitmq-server did not accept connections within {timeout.TotalSeconds:0} s; see {Path.Combine(_directory, "log")}.");
                }
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await RunAsync(Path.Combine(Binaries, "rabbitmqctl"), "-n", Node, "stop");
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();

        var epmd = Directory.GetFiles("/usr/lib/erlang", "epmd", SearchOption.AllDirectories).FirstOrDefault();
        if (epmd is not null)
        {
            await RunAsync(epmd, "-port", _environment["ERL_EPMD_PORT"], "-kill");
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }
    }

    private async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }
}
