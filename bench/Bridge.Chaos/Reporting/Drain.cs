namespace Bridge.Chaos.Reporting;

/// <summary>Waits until every accepted event is delivered or dead-lettered, giving up after a stretch without progress.</summary>
internal static class Drain
{
    /// <summary>
    /// True once delivered plus dead-lettered reaches <paramref name="accepted"/>; false when nothing moved for
    /// <paramref name="limit"/>. Dead-lettered is the larger of the store's count and the broker's dead-letter queue's, so
    /// a dead letter the store missed does not hold the drain until the limit (the report names it).
    /// </summary>
    public static async Task<bool> WaitAsync(Func<int> delivered, int accepted, string store, Func<Task<int>> inDeadLetterQueue, TimeSpan limit, Timeline timeline, CancellationToken cancellationToken)
    {
        var last = -1;
        var lastMove = timeline.Elapsed;
        while (!cancellationToken.IsCancellationRequested)
        {
            var settled = delivered() + Math.Max(await DeadLetterCount.TryCountAsync(store) ?? 0, await inDeadLetterQueue());
            if (settled >= accepted)
            {
                // Anything still in flight (a redelivery after a crash) would show as a duplicate: give it a moment.
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
                return true;
            }
            if (settled != last)
            {
                last = settled;
                lastMove = timeline.Elapsed;
                Console.Error.WriteLine($"[{timeline.Elapsed:hh\\:mm\\:ss}] draining: {settled:N0} of {accepted:N0} delivered or dead-lettered");
            }
            else if (timeline.Elapsed - lastMove > limit)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
        return false;
    }
}
