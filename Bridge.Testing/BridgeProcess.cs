using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Bridge.Testing;

/// <summary>
/// The standalone bridge as a real child process on 127.0.0.1 with a free port, configured by command-line settings,
/// its data in a directory the caller owns. Stopped gracefully (SIGTERM) or killed (SIGKILL), always by its own PID.
/// </summary>
public sealed partial class BridgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BridgeProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public int ProcessId => _process.Id;

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The bootstrap key this process was started with: publisher <c>bootstrap</c>, scopes <c>admin</c> and <c>publish:*</c>.</summary>
    public string BootstrapKey { get; private set; } = "";

    /// <summary>A client that authenticates with the bootstrap key.</summary>
    public HttpClient CreateClient()
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BootstrapKey);
        return client;
    }

    /// <summary>A client without credentials.</summary>
    public HttpClient CreateAnonymousClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A fresh random bootstrap key (development and tests only).</summary>
    public static string NewBootstrapKey() =>
        "brk_testboot_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Starts the bridge with <paramref name="settings"/> (configuration keys and values) on the files in <paramref name="dataDirectory"/>.</summary>
    public static async Task<BridgeProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var dll = StandaloneDll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--contentRoot=" + Path.GetDirectoryName(dll));
        start.ArgumentList.Add($"--ConnectionStrings:bridgedb=Data Source={Path.Combine(dataDirectory, "bridge.db")}");
        start.ArgumentList.Add($"--ConnectionStrings:messaging=Data Source={Path.Combine(dataDirectory, "broker.db")}");
        var bootstrapKey = settings.TryGetValue("Bridge:Security:BootstrapKey", out var given) ? given : NewBootstrapKey();
        start.ArgumentList.Add($"--Bridge:Security:BootstrapKey={bootstrapKey}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var bridge = new BridgeProcess(process) { BootstrapKey = bootstrapKey };
        process.OutputDataReceived += (_, e) => bridge.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => bridge.OnLine(e.Data);
        process.Exited += (_, _) => bridge._listening.TrySetException(new InvalidOperationException("The bridge exited before listening:\n" + bridge.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            bridge.BaseAddress = await bridge._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await bridge.DisposeAsync();
            throw;
        }
        return bridge;
    }

    /// <summary>Waits until the output holds a line matching <paramref name="pattern"/>.</summary>
    public async Task WaitForOutputAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (!_output.Any(regex.IsMatch))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No output line matched '{pattern}' within {timeout}:\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await _process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    private static string StandaloneDll()
    {
        var testDirectory = AppContext.BaseDirectory; // …/{project}/bin/{Configuration}/net10.0/
        var configuration = new DirectoryInfo(testDirectory).Parent!.Name;
        var root = new DirectoryInfo(testDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Bridge.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Bridge.sln not found above " + testDirectory),
            "Bridge.Standalone", "bin", configuration, "net10.0", "Bridge.Standalone.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build Bridge.Standalone first.", dll);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
