using Bridge.Benchmarks.Sink;

namespace Bridge.Benchmarks.Reporting;

/// <summary>
/// One scenario's figures. <see cref="Rate"/> is the headline rate (end to end for the bridge); <see cref="IngestRate"/>
/// the rate the publisher accepted at. Latencies in milliseconds, memory in MB; null where the scenario has none.
/// </summary>
internal sealed record Result(string Key, string Scenario, double Rate, string Unit)
{
    public double? IngestRate { get; init; }

    /// <summary>Key of the raw transport loop this result is compared with.</summary>
    public string? TransportBaseline { get; init; }

    /// <summary>Whether <see cref="IngestRate"/> is compared with the no-op Kestrel POST.</summary>
    public bool ComparedWithKestrel { get; init; }

    public Percentiles Latency { get; init; } = Percentiles.None;

    /// <summary>What latency is measured from.</summary>
    public string? LatencyFrom { get; init; }

    public long? Accepted { get; init; }

    public long? Lost { get; init; }

    /// <summary>Accepted events not yet arrived when the drain was cut off while they were still arriving (not counted as lost).</summary>
    public long? Pending { get; init; }

    public long? Duplicates { get; init; }

    public long? PublishErrors { get; init; }

    public double? CpuSeconds { get; init; }

    public double? CpuCores { get; init; }

    /// <summary>Bridge CPU per delivered event, microseconds: <see cref="CpuSeconds"/> ÷ (accepted − lost − pending).</summary>
    public double? CpuMicrosPerEvent =>
        CpuSeconds is { } seconds && Accepted is { } accepted && accepted - (Lost ?? 0) - (Pending ?? 0) is > 0 and var delivered
            ? seconds * 1e6 / delivered
            : null;

    public double? PeakRssMb { get; init; }

    public double? FinalRssMb { get; init; }

    public string? Note { get; init; }

    /// <summary>A bridge scenario's result: its deliveries and the bridge's CPU over the phase.</summary>
    public static Result ForBridge(string key, string scenario, double rate, DeliverySummary delivery, (double Seconds, double Cores) cpu) =>
        new(key, scenario, rate, "events/s")
        {
            Latency = delivery.Latency,
            Accepted = delivery.Accepted,
            Lost = delivery.Lost,
            Pending = delivery.Pending,
            Duplicates = delivery.Duplicates,
            CpuSeconds = cpu.Seconds,
            CpuCores = cpu.Cores,
        };
}
