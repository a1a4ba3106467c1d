using System.Globalization;
using System.Runtime.InteropServices;
using Bridge.Testing;

namespace Bridge.Benchmarks.Reporting;

/// <summary>
/// What the figures were measured on: cores, CPU model, RAM, OS, .NET, RabbitMQ and wrk versions, and the load average
/// when the run started (other work on the machine shows there).
/// </summary>
internal sealed record MachineFacts(int Cores, string CpuModel, double RamGb, string Os, string DotNet, string RabbitMq, string Wrk, string LoadAverage)
{
    /// <summary>Reads the facts; call it before the load starts, so the load average is the machine's own.</summary>
    public static async Task<MachineFacts> CollectAsync(RabbitMqServer rabbitMq)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var release = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"')
            : null;
        await using var connection = await rabbitMq.ConnectAsync();
        var version = connection.ServerProperties?.TryGetValue("version", out var value) == true && value is byte[] bytes
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : "unknown";
        return new MachineFacts(
            Environment.ProcessorCount,
            cpu,
            double.Parse(memKb, CultureInfo.InvariantCulture) / 1024 / 1024,
            $"{release ?? RuntimeInformation.OSDescription} (kernel {Environment.OSVersion.Version})",
            RuntimeInformation.FrameworkDescription,
            "RabbitMQ " + version,
            await Load.Wrk.VersionAsync(),
            string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)));
    }
}
