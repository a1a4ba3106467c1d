using System.Globalization;
using System.Text;

namespace Bridge.Benchmarks.Reporting;

/// <summary>The full report (<c>docs/benchmarks.md</c>): command, machine, method, every figure and every target.</summary>
internal static class BenchmarkDocument
{
    public static string Markdown(BenchOptions options, MachineFacts machine, IReadOnlyList<Result> results, DateTimeOffset measuredAt, TimeSpan wall)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {measuredAt:yyyy-MM-dd HH:mm} UTC in {wall.TotalMinutes:0.0} min with:");
        text.AppendLine();
        text.AppendLine("```bash");
        text.AppendLine(options.CommandLine);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("## Machine");
        text.AppendLine();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| cores | {machine.Cores} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| CPU | {machine.CpuModel} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| RAM | {machine.RamGb:0.0} GB |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| OS | {machine.Os} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| .NET | {machine.DotNet} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| broker | {machine.RabbitMq} (quorum queues); embedded SQLite (WAL, synchronous=FULL) |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| load average at start (1, 5, 15 min) | {machine.LoadAverage} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| load | {machine.Wrk}, `-t1 -c{options.Connections}`; fixed rate: the harness's open-loop HttpClient generator |");
        text.AppendLine();
        text.AppendLine("## Method");
        text.AppendLine();
        text.AppendLine(Method(options));
        text.AppendLine("## Targets");
        text.AppendLine();
        text.AppendLine("What limits each figure, with profiles and the optimisations made: [performance.md](performance.md).");
        text.AppendLine();
        text.AppendLine(Targets.Markdown(results));
        text.AppendLine("## Every figure");
        text.AppendLine();
        text.Append(ResultTable.Markdown(results));
        text.AppendLine();
        text.AppendLine(RegressionGuard);
        return text.ToString();
    }

    /// <summary>How to compare a change with the commit these figures were measured at.</summary>
    private const string RegressionGuard = """
        ## Comparing with an earlier commit (the regression guard)

        ```bash
        bench/run.sh --compare <git-ref> --warmup 15 --measure 15 --batch-measure 5 --soak 60
        ```

        checks the ref out in a temporary git worktree under /tmp, builds the harness and the bridge of the ref and of the
        working tree, and runs both with the same settings in one sitting (the ref first, then the working tree), then prints
        one table: scenario, figure, the ref's value, the current value and the change in % (marked better or worse where the
        direction is known: more is better for rates and ratios, less for latency, CPU, memory and losses). Figures are read
        back from each run's own table, so a ref whose harness has other scenarios or columns still compares: what only one
        run printed is listed under the table as "only in" that run, not compared. A setting the ref's harness does not know
        is dropped for both runs (said on stderr); `--full` is passed to both, and the working tree's document becomes
        docs/benchmarks.md (the ref's stays in the temporary directory). The worktree is removed on exit, also on failure or Ctrl-C. Runs on a busy machine are worthless: check
        `uptime` first, or add `--max-load 1.5`, which waits before each run (up to 10 minutes) until the 1-minute load
        average is that low (the load average at the start of each run is printed above the table). Bridge CPU µs per
        delivered event is derived from the CPU seconds and the delivered count where an older harness did not print it.

        Run it against the last benchmarked commit (the one named at the top of this page) before changing the publish or
        delivery path, and quote both columns with the settings in the change.
        """;

    /// <summary>How the figures are produced, shared by the quick run's output and the full report.</summary>
    public static string Method(BenchOptions options) => string.Create(CultureInfo.InvariantCulture, $"""
        - Everything runs on this one machine: the bridge (standalone host, Release, a real child process), wrk or the
          fixed-rate generator, the webhook sink, and rabbitmq-server share its cores.
        - Each phase warms up for {options.Warmup.TotalSeconds:0} s (not counted), then measures for {options.Measure.TotalSeconds:0} s (the batch phase: 1 s, then {options.BatchMeasure.TotalSeconds:0} s); the soak runs {options.Soak.TotalSeconds:0} s.
        - Baselines in the same run: a no-op Kestrel POST (same wrk script, same body, 202 with a publisher-shaped body),
          the embedded transport publishing and consuming in a loop without HTTP, and a raw RabbitMQ.Client loop (persistent
          messages to a quorum queue, confirms with 1,000 outstanding, basic.consume with prefetch 200, manual acks).
        - Max rate: wrk `-t1 -c{options.Connections}` posts the same ~300-byte event (or {options.BatchSize} of them per batch request);
          every 202's message ids are kept (wrk's `response()` hook), and after the load the harness waits until all of them
          reached the sink. End-to-end rate = distinct events arriving at the sink from the start of the measured load
          until its last event arrived, per second; publisher accepted /s = 202 ids ÷ wrk's duration. wrk cannot stamp
          each request, so this latency runs from the CloudEvent `time` the bridge stamps on acceptance to arrival at the
          sink (it leaves out the HTTP publish itself).
        - Fixed rate (latency, soak): events are scheduled at exact intervals and sent whether or not earlier ones were
          answered (open loop); latency runs from each event's scheduled send time (carried in its data) to its arrival,
          so a stalled server cannot hide its queueing (no coordinated omission).
        - Lost = accepted (202) ids still missing when no event had arrived for {options.DrainStall.TotalSeconds:0} s; pending =
          accepted ids still missing when the wait was cut off after {options.DrainLimit.TotalSeconds:0} s while events were still arriving
          (a backlog the bridge accepted faster than it delivers; zero loss is then not verified); dup = arrivals beyond
          the first per id. CPU is the bridge process's user + system time from /proc over the measured phase and drain
          (cores = CPU s ÷ wall s), and per delivered event (CPU µs/event = CPU s ÷ (accepted − lost − pending)); RSS is
          VmHWM, and in the soak VmRSS sampled every second (peak and final).

        """);
}
