using System.Globalization;

namespace Bridge.Chaos;

/// <summary>
/// What one fault run does: how many events, how long each outage lasts and how far apart faults are (the quick mode
/// compresses the schedule for development runs), how long the drain may take, and where the report goes.
/// </summary>
internal sealed record ChaosOptions
{
    public int Events { get; init; } = 1_000_000;

    public int PublishConcurrency { get; init; } = 12;

    /// <summary>When set, no event is started after this long: the run publishes as many of <see cref="Events"/> as fit.</summary>
    public TimeSpan? PublishFor { get; init; }

    /// <summary>Time between the start of one fault and the next.</summary>
    public TimeSpan FaultSpacing { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>How long Redis and PostgreSQL stay down.</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a killed process stays dead before it is started again.</summary>
    public TimeSpan Downtime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The most faults of the schedule (it repeats its cycle while the load runs, up to this bound).</summary>
    public int MaxFaults { get; init; } = 60;

    /// <summary>How long the drain (after the last fault) may wait for deliveries before counting.</summary>
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromMinutes(10);

    public bool Quick { get; init; }

    /// <summary>The commit the report names.</summary>
    public string Commit { get; init; } = "working tree";

    /// <summary>The markdown file whose generated section the run replaces (null: stdout only).</summary>
    public string? Output { get; init; }

    public static ChaosOptions Parse(string[] args)
    {
        var options = new ChaosOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--events" => options with { Events = int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture) },
                "--concurrency" => options with { PublishConcurrency = int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture) },
                "--drain-limit" => options with { DrainLimit = TimeSpan.FromSeconds(int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture)) },
                "--publish-for" => options with { PublishFor = TimeSpan.FromSeconds(int.Parse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture)) },
                "--output" => options with { Output = Next() },
                "--commit" => options with { Commit = Next() },
                "--quick" => options with
                {
                    Quick = true,
                    FaultSpacing = TimeSpan.FromSeconds(15),
                    Outage = TimeSpan.FromSeconds(10),
                    Downtime = TimeSpan.FromSeconds(2),
                    DrainLimit = TimeSpan.FromMinutes(3),
                },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --events N, --quick, --concurrency N, --publish-for SECONDS, --drain-limit SECONDS, --output FILE."),
            };
        }
        return options;
    }
}
