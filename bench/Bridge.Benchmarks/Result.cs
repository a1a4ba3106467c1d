namespace Bridge.Benchmarks;

/// <summary>One scenario's figures. Latencies in milliseconds; null where the scenario has none.</summary>
internal sealed record Result(
    string Scenario,
    double PerSecond,
    string Unit,
    double? P50 = null,
    double? P90 = null,
    double? P99 = null,
    double? Max = null,
    long? Lost = null,
    long? Duplicates = null,
    double? CpuSeconds = null,
    double? PeakRssMb = null);
