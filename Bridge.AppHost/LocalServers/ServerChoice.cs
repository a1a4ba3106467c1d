using System.Diagnostics;

namespace Bridge.AppHost.LocalServers;

/// <summary>
/// Where the AppHost runs Redis, RabbitMQ and PostgreSQL: in containers when a container runtime answers (and always
/// when publishing), else as executables from the machine's packages. <c>Bridge:Servers</c> (<c>containers</c>,
/// <c>executables</c>) overrides the probe.
/// </summary>
internal static class ServerChoice
{
    /// <summary>The configuration key that overrides the probe.</summary>
    public const string Key = "Bridge:Servers";

    /// <summary>Whether this run uses container resources.</summary>
    public static bool UseContainers(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return true;
        }

        return builder.Configuration[Key]?.Trim().ToLowerInvariant() switch
        {
            "containers" => true,
            "executables" => false,
            null or "" => ContainerRuntimeAnswers(),
            var other => throw new InvalidOperationException($"{Key} is '{other}'; use 'containers', 'executables', or leave it unset to probe for a container runtime."),
        };
    }

    /// <summary>Whether <c>docker info</c> or <c>podman info</c> succeeds within a few seconds (a client without a daemon fails).</summary>
    private static bool ContainerRuntimeAnswers() => Answers("docker") || Answers("podman");

    private static bool Answers(string runtime)
    {
        var start = new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed
        }
    }
}
