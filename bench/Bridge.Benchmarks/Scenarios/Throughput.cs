using Bridge.Benchmarks.Sink;

namespace Bridge.Benchmarks.Scenarios;

/// <summary>
/// End-to-end throughput of a phase: distinct envelopes that reached the sink from the start of the measured load
/// until its last accepted event arrived (or the drain was cut off), per second. Counting every arrival in that span,
/// not only the phase's own, keeps the figure right when a backlog from earlier is still being delivered.
/// </summary>
internal static class Throughput
{
    public static double EndToEnd(ArrivalLog arrivals, long startedTicks, DeliverySummary delivery)
    {
        if (delivery.EndTicks <= startedTicks)
        {
            return double.NaN;
        }
        return arrivals.ArrivedBetween(startedTicks, delivery.EndTicks) / TimeSpan.FromTicks(delivery.EndTicks - startedTicks).TotalSeconds;
    }
}
