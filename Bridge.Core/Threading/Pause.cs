namespace Bridge.Threading;

/// <summary>Waits that end without an exception when they are cancelled, for loops that stop whenever their caller is done.</summary>
public static class Pause
{
    /// <summary>
    /// Waits <paramref name="delay"/> on <paramref name="time"/>; false, at once and without throwing, when
    /// <paramref name="cancellationToken"/> fires. A loop per delivery (lock renewal, claim keep-alive) ends this way
    /// at every delivery, so it must not cost an exception each time.
    /// </summary>
    public static async Task<bool> ForAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !cancellationToken.IsCancellationRequested;
    }
}
