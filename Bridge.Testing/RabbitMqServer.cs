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
    private readonly OutputTail _output;

    private RabbitMqServer(Process process, string directory, Dictionary<string, string> environment, string node, int port, OutputTail output)
    {
        _process = process;
        _output = output;
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

    /// <summary>
    /// Starts a server whose Erlang node is named <c>{nodePrefix}-{pid}-{n}@localhost</c> and waits until it accepts
    /// connections. A start that fails (a port picked as free and taken before the node bound it, a loaded machine) is
    /// tried once more on fresh ports; the failed attempt's log directory is kept and its tail is in the exception.
    /// </summary>
    public static async Task<RabbitMqServer> StartAsync(string nodePrefix)
    {
        var server = Path.Combine(Binaries, "rabbitmq-server");
        if (!File.Exists(server))
        {
            throw new InvalidOperationException(
                $"{server} is missing. Install it with 'apt-get install rabbitmq-server' (./eng/setup.sh does) and run the tests again.");
        }

        const int attempts = 2;
        var failures = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            var instance = await LaunchNewAsync(server, nodePrefix);
            try
            {
                await instance.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
                return instance;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                failures.Add($"attempt {attempt}: {ex.Message}");
                await instance.DisposeAsync(keepLogs: true);
                if (attempt == attempts)
                {
                    throw new InvalidOperationException(
                        $"rabbitmq-server did not start in {attempts} attempts.{Environment.NewLine}{string.Join(Environment.NewLine, failures)}", ex);
                }
                Console.Error.WriteLine($"rabbitmq-server {instance.Node} did not start, trying again on fresh ports: {ex.Message}");
            }
        }
    }

    private static int _instances;

    private static async Task<RabbitMqServer> LaunchNewAsync(string server, string nodePrefix)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bridge-rabbitmq", Guid.NewGuid().ToString("N")[..12]);
        foreach (var sub in new[] { "home", "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].");
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), "loopback_users = none\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq-env.conf"), "");

        var port = FreePort.Next();
        var node = $"{nodePrefix}-{Environment.ProcessId}-{Interlocked.Increment(ref _instances)}@localhost";
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

        var output = new OutputTail();
        return new RabbitMqServer(Launch(server, directory, environment, output), directory, environment, node, port, output);
    }

    /// <summary>What the server printed last and the tail of its log files, for a start that failed.</summary>
    private string Diagnostics()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"  ports: amqp {Port}, dist {_environment["RABBITMQ_DIST_PORT"]}, epmd {_environment["ERL_EPMD_PORT"]}");
        text.AppendLine("  output:");
        foreach (var line in _output.Lines())
        {
            text.AppendLine("    " + line);
        }
        var logs = Path.Combine(_directory, "log");
        foreach (var file in Directory.Exists(logs) ? Directory.GetFiles(logs) : [])
        {
            text.AppendLine($"  {file}:");
            foreach (var line in File.ReadLines(file).TakeLast(30))
            {
                text.AppendLine("    " + line);
            }
        }
        return text.ToString();
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
        _process = Launch(Path.Combine(Binaries, "rabbitmq-server"), _directory, _environment, _output);
        await WaitUntilReadyAsync(TimeSpan.FromMinutes(5));
    }

    private static Process Launch(string server, string directory, Dictionary<string, string> environment, OutputTail output)
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
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {_process.ExitCode}.{Environment.NewLine}{Diagnostics()}");
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
                    throw new TimeoutException($"rabbitmq-server did not accept connections within {timeout.TotalSeconds:0} s.{Environment.NewLine}{Diagnostics()}");
                }
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public ValueTask DisposeAsync() => DisposeAsync(keepLogs: false);

    private async ValueTask DisposeAsync(bool keepLogs)
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

        if (keepLogs)
        {
            return;
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

    /// <summary>The last lines a process printed.</summary>
    private sealed class OutputTail
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > 40)
                {
                    _lines.Dequeue();
                }
            }
        }

        public string[] Lines()
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }
}
