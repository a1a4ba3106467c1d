using System.Globalization;

namespace Bridge.Benchmarks;

/// <summary>
/// What to run and for how long. The quick run (default) fits in two minutes; <c>--full</c> runs longer phases and the
/// ten-minute soak and writes <see cref="Output"/>. <c>--warmup</c>, <c>--measure</c>, <c>--soak</c>, <c>--drain-stall</c>
/// <c>--batch-measure</c> and <c>--drain-limit</c> (seconds) override the phase lengths; <c>--output</c> the document path.
/// </summary>
internal sealed record BenchOptions(
    bool Full,
    TimeSpan Warmup,
    TimeSpan Measure,
    TimeSpan Soak,
    string? Output,
    string CommandLine)
{
    /// <summary>Connections of the max-rate load (wrk <c>-c</c>; one wrk thread).</summary>
    public int Connections { get; init; } = 32;

    /// <summary>The steady rate of the latency scenarios, events/s.</summary>
    public double FixedRate { get; init; } = 1_000;

    /// <summary>The steady rate of the soak, events/s.</summary>
    public double SoakRate { get; init; } = 2_000;

    /// <summary>The measured phase of the batch scenario, short because its backlog must drain.</summary>
    public TimeSpan BatchMeasure { get; init; }

    /// <summary>
    /// <c>--transport embedded|rabbitmq</c>: only that transport's bridge scenarios, without the baselines or the soak —
    /// for profiling one path; <see langword="null"/> runs everything.
    /// </summary>
    public string? Transport { get; init; }

    /// <summary><c>--soak-only</c>: only the soak (a fresh embedded bridge at <see cref="SoakRate"/>), for profiling it.</summary>
    public bool SoakOnly { get; init; }

    /// <summary>Events per batch request in the batch scenario.</summary>
    public int BatchSize { get; init; } = 50;

    /// <summary>After the load stops, accepted events that have not arrived when none arrived for this long are lost.</summary>
    public TimeSpan DrainStall { get; init; }

    /// <summary>After the load stops, the longest wait for accepted events still arriving; those missing then are pending.</summary>
    public TimeSpan DrainLimit { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var full = args.Contains("--full");
        TimeSpan Seconds(string name, double quick, double fullValue) =>
            TimeSpan.FromSeconds(Value(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : full ? fullValue : quick);
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

        return new BenchOptions(
            full,
            Seconds("--warmup", 2, 15),
            Seconds("--measure", 4, 30),
            Seconds("--soak", 10, 600),
            Value("--output") ?? (full ? "docs/benchmarks.md" : null),
            "bench/run.sh" + (args.Length > 0 ? " " + string.Join(' ', args) : ""))
        {
            BatchMeasure = Seconds("--batch-measure", 1, 5),
            SoakOnly = args.Contains("--soak-only"),
            DrainStall = Seconds("--drain-stall", 3, 15),
            DrainLimit = Seconds("--drain-limit", 15, 90),
            Transport = Value("--transport") is { } transport
                ? transport is "embedded" or "rabbitmq" ? transport : throw new ArgumentException($"--transport must be embedded or rabbitmq, not '{transport}'.")
                : null,
        };
    }
}
