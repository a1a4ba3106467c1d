namespace Bridge.Benchmarks.Measure;

/// <summary>Samples a process's resident memory once a second until disposed; keeps the peak, the last and the count.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(int pid) => _loop = SampleAsync(pid);

    public double PeakMb { get; private set; }

    public double LastMb { get; private set; }

    public int Samples { get; private set; }

    private async Task SampleAsync(int pid)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            LastMb = ProcessProbe.RssMb(pid);
            PeakMb = Math.Max(PeakMb, LastMb);
            Samples++;
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false) is true);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        _stop.Dispose();
    }
}
