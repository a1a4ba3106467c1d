using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Support;

namespace Bridge.Tests.Connectors;

/// <summary>
/// The official Workato Connector SDK CLI (<c>workato exec</c>) as a real process, running connectors/workato/connector.rb
/// the way the platform does. Found at <c>../shared/tools/workato-sdk/workato</c> from the repository root, or at
/// <c>$WORKATO_SDK</c>. Each call writes its arguments as files in a directory of its own and reads <c>--output</c> back.
/// </summary>
internal sealed class WorkatoSdk
{
    public const string Variable = "WORKATO_SDK";

    // A guard, not a budget: one call takes about 2 s on a quiet machine, far longer on a saturated one.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    // Each call is a Ruby start (about 1 s of CPU): a few at once keep both cores busy without crowding them.
    private static readonly SemaphoreSlim Slots = new(4);

    private readonly string _cli;
    private readonly string _connector;
    private readonly string _workDirectory;
    private readonly string _settings;
    private int _calls;

    private WorkatoSdk(string cli, string workDirectory, object settings)
    {
        _cli = cli;
        _connector = RepositoryFiles.PathOf("connectors", "workato", "connector.rb");
        _workDirectory = workDirectory;
        Directory.CreateDirectory(workDirectory);
        _settings = Path.Combine(workDirectory, "settings.json");
        File.WriteAllText(_settings, JsonSerializer.Serialize(settings));
    }

    /// <summary>
    /// The SDK with the connection <paramref name="settings"/> (base_url, api_key). Without the SDK the test fails when
    /// <c>CI=true</c>, and is skipped with the reason otherwise.
    /// </summary>
    public static WorkatoSdk Open(string workDirectory, object settings)
    {
        var cli = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Path.GetFullPath(Path.Combine(RepositoryFiles.Root, "..", "shared", "tools", "workato-sdk", "workato"));
        if (!File.Exists(cli))
        {
            var reason = $"The Workato Connector SDK CLI is not at {cli} (set {Variable} to its 'workato' script, or place the shared tools beside the repository).";
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), reason);
            Assert.Skip(reason);
        }
        if (!File.Exists("/usr/bin/ruby") && !File.Exists("/usr/local/bin/ruby"))
        {
            Assert.Fail("ruby is not installed; run eng/setup.sh (it installs Debian's ruby and the gems the SDK needs).");
        }
        return new WorkatoSdk(cli, workDirectory, settings);
    }

    /// <summary>The same SDK and connector with other connection settings.</summary>
    public WorkatoSdk With(object settings) =>
        new(_cli, Path.Combine(_workDirectory, $"connection-{Interlocked.Increment(ref _calls):D2}"), settings);

    /// <summary>Runs <c>workato exec {path}</c>; asserts it succeeded and answers its output.</summary>
    public async Task<JsonNode?> RunAsync(string path, SdkArguments? arguments = null)
    {
        var (exitCode, output, console) = await ExecAsync(path, arguments ?? new SdkArguments());
        Assert.True(exitCode == 0, $"workato exec {path} failed (exit {exitCode}):\n{console}");
        return output;
    }

    /// <summary>Runs <c>workato exec {path}</c>; asserts it failed and answers what it printed.</summary>
    public async Task<string> FailAsync(string path, SdkArguments? arguments = null)
    {
        var (exitCode, output, console) = await ExecAsync(path, arguments ?? new SdkArguments());
        Assert.True(exitCode != 0, $"workato exec {path} was expected to fail but answered {output?.ToJsonString()}:\n{console}");
        return console;
    }

    private async Task<(int ExitCode, JsonNode? Output, string Console)> ExecAsync(string path, SdkArguments arguments)
    {
        var directory = Path.Combine(_workDirectory, $"{Interlocked.Increment(ref _calls):D2}-{path}");
        Directory.CreateDirectory(directory);
        var outputFile = Path.Combine(directory, "output.json");
        var start = new ProcessStartInfo(_cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])["exec", path, "--connector=" + _connector, "--settings=" + _settings, "--output=" + outputFile])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (option, value) in arguments.Files())
        {
            var file = Path.Combine(directory, option + ".json");
            await File.WriteAllTextAsync(file, value.ToJsonString());
            start.ArgumentList.Add($"--{option}={file}");
        }
        if (arguments.WebhookUrl is not null)
        {
            start.ArgumentList.Add("--webhook-url=" + arguments.WebhookUrl);
        }

        await Slots.WaitAsync();
        try
        {
            return await RunProcessAsync(path, start, outputFile);
        }
        finally
        {
            Slots.Release();
        }
    }

    private static async Task<(int ExitCode, JsonNode? Output, string Console)> RunProcessAsync(string path, ProcessStartInfo start, string outputFile)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"workato exec {path} did not finish within {Timeout}.");
        }
        var console = $"{await stdout}\n{await stderr}".Trim();
        var output = process.ExitCode == 0 && File.Exists(outputFile) ? JsonNode.Parse(await File.ReadAllTextAsync(outputFile)) : null;
        return (process.ExitCode, output, console);
    }
}

/// <summary>The arguments of one <c>workato exec</c>: each becomes a JSON file passed by its option name.</summary>
internal sealed record SdkArguments(
    object? Input = null,
    object? ConfigFields = null,
    object? WebhookSubscribeOutput = null,
    object? WebhookHeaders = null,
    string? WebhookPayload = null,
    string? WebhookUrl = null)
{
    internal IEnumerable<(string Option, JsonNode Value)> Files()
    {
        (string, object?)[] all =
        [
            ("input", Input), ("config-fields", ConfigFields), ("webhook-subscribe-output", WebhookSubscribeOutput),
            ("webhook-headers", WebhookHeaders),
            // a raw webhook payload is the body as one JSON string: the SDK decodes the file, the lambda gets the text
            ("webhook-payload", WebhookPayload),
        ];
        foreach (var (option, value) in all)
        {
            if (value is not null)
            {
                yield return (option, value as JsonNode ?? JsonSerializer.SerializeToNode(value)!);
            }
        }
    }
}
