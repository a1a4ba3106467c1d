using System.Globalization;

namespace Bridge.Benchmarks.Measure;

/// <summary>Reads a process's CPU time and memory from /proc (Linux).</summary>
internal static class ProcessProbe
{
    private const double ClockTicksPerSecond = 100; // USER_HZ, 100 on every Linux the harness targets

    /// <summary>User + system CPU seconds the process has used so far.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>Resident memory now (<c>VmRSS</c>), MB.</summary>
    public static double RssMb(int pid) => StatusMb(pid, "VmRSS:");

    /// <summary>Peak resident memory since the process started (<c>VmHWM</c>), MB.</summary>
    public static double PeakRssMb(int pid) => StatusMb(pid, "VmHWM:");

    private static double StatusMb(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
