namespace Bridge.Threading;

/// <summary>
/// How long to wait after failures in a row: <see cref="First"/> after the first, doubling after each further one,
/// never more than <see cref="Ceiling"/> once doubled. One shape for every retry loop that waits out an unreachable
/// broker or store.
/// </summary>
public readonly record struct Backoff(TimeSpan First, TimeSpan Ceiling)
{
    /// <summary>The wait after <paramref name="failures"/> failures in a row (1 = the first failure).</summary>
    public TimeSpan After(int failures) => failures <= 1
        ? First
        : TimeSpan.FromMilliseconds(Math.Min(First.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)), Ceiling.TotalMilliseconds));
}
