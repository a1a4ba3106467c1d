using System.Diagnostics;
using System.Globalization;

namespace Bridge.Chaos.Deployment;

/// <summary>
/// One Bridge service host (publisher, subscriber or replay) as a real child process on a fixed 127.0.0.1 port, its
/// output appended to a log file. Killed with SIGKILL (a crash) and started again on the same port and settings.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly string _dll;
    private readonly IReadOnlyList<string> _arguments;
    private readonly StreamWriter _log;
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _process;

    private ServiceProcess(string name, string dll, IReadOnlyList<string> arguments, StreamWriter log, int port)
    {
        Name = name;
        _dll = dll;
        _arguments = arguments;
        _log = log;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int? ProcessId => _process?.Id;

    /// <summary>Starts <paramref name="project"/>'s built host with <paramref name="settings"/> and waits until its <c>/health</c> answers.</summary>
    public static async Task<ServiceProcess> StartAsync(string name, string project, IReadOnlyDictionary<string, string> settings, string logDirectory)
    {
        var port = Bridge.Testing.FreePort.Next();
        var arguments = new List<string> { $"--urls=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}" };
        arguments.AddRange(settings.Select(s => $"--{s.Key}={s.Value}"));
        var log = new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: true) { AutoFlush = true };
        var service = new ServiceProcess(name, HostDll(project), arguments, log, port);
        await service.StartAgainAsync();
        return service;
    }

    /// <summary>Starts the (killed) process again and waits until it is healthy.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_dll)!,
        };
        start.ArgumentList.Add(_dll);
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name} did not start.");
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Write($"---- {Name} started as PID {_process.Id} at {DateTime.UtcNow:HH:mm:ss.fff}");

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was healthy; see its log.");
            }
            try
            {
                using var response = await _probe.GetAsync(new Uri(BaseAddress, "health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"{Name} was not healthy within 120 s; see its log.");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Kills the process with SIGKILL, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Write($"---- {Name} (PID {process.Id}) killed with SIGKILL at {DateTime.UtcNow:HH:mm:ss.fff}");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _probe.Dispose();
        await _log.DisposeAsync();
    }

    private void Write(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    /// <summary>The built host of <paramref name="project"/> beside this harness's configuration (Release or Debug).</summary>
    private static string HostDll(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Bridge.sln")))
        {
            root = root.Parent;
        }
        var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Bridge.sln not found above " + AppContext.BaseDirectory),
            project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first.", dll);
    }
}
