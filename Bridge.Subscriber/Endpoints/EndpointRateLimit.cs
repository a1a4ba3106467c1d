namespace Bridge.Subscriber.Endpoints;

/// <summary>
/// The optional rate limit of a webhook endpoint, paced by the clock (a generic cell rate algorithm): calls start at
/// most <c>perSecond</c> a second over any stretch of time, in bursts of at most a hundredth of that (at least one).
/// No timer refills it, so a busy machine cannot bunch calls up.
/// </summary>
internal sealed class EndpointRateLimit
{
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _tolerance;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public EndpointRateLimit(int perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        _time = time;
        _interval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / perSecond);
        _tolerance = _interval * (Math.Max(1, perSecond / 100) - 1);
    }

    /// <summary>Reserves the next call, and up to <paramref name="wanted"/> − 1 more that may start at the same moment; waits until they may; returns how many.</summary>
    public async ValueTask<int> AcquireAsync(int wanted, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        var granted = 1;
        lock (_sync)
        {
            var now = _time.GetUtcNow();
            var next = _next < now ? now : _next;
            var start = next - _tolerance > now ? next - _tolerance : now;
            wait = start - now;
            next += _interval;
            while (granted < wanted && next - _tolerance <= start)
            {
                next += _interval;
                granted++;
            }
            _next = next;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }
        return granted;
    }
}
