namespace Bridge.Benchmarks.Load;

/// <summary>
/// One wrk run: exact counts from the script's <c>done()</c> hook, the message ids of every 202 (one per event, so a
/// batch request yields many), and wrk's own request latencies in milliseconds.
/// </summary>
internal sealed record WrkResult(
    long Accepted,
    long Other,
    long SocketErrors,
    TimeSpan Duration,
    IReadOnlyList<string> Ids,
    double P50,
    double P90,
    double P99,
    double Max)
{
    /// <summary>Accepted requests per second.</summary>
    public double RequestsPerSecond => Accepted / Duration.TotalSeconds;

    /// <summary>Accepted events per second (message ids returned).</summary>
    public double EventsPerSecond => Ids.Count / Duration.TotalSeconds;

    /// <summary>Requests that did not get a 202 (other status or socket error).</summary>
    public long Failed => Other + SocketErrors;
}
