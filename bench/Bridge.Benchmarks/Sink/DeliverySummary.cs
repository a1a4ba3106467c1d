namespace Bridge.Benchmarks.Sink;

/// <summary>
/// What arrived of a set of accepted events: lost (never arrived, arrivals had stopped), pending (not arrived yet when
/// the drain was cut off while they were still arriving), duplicates (arrivals beyond the first), when the phase's
/// deliveries ended (last first arrival, or the cut-off), and latencies of the ones that arrived.
/// </summary>
internal sealed record DeliverySummary(long Accepted, long Lost, long Pending, long Duplicates, long EndTicks, Percentiles Latency)
{
    public long Delivered => Accepted - Lost - Pending;
}
