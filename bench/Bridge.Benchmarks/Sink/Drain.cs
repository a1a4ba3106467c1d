namespace Bridge.Benchmarks.Sink;

/// <summary>How waiting for a phase's accepted events ended, and when.</summary>
internal sealed record Drain(DrainEnd End, long AtTicks);

/// <summary>Every event arrived; arrivals stopped with some missing (lost); or the time limit hit while they still arrived (pending).</summary>
internal enum DrainEnd
{
    AllArrived,
    Stalled,
    CutOff,
}
