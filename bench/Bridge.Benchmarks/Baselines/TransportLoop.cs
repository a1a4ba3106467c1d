using System.Diagnostics;
using Bridge.Envelopes;

namespace Bridge.Benchmarks.Baselines;

/// <summary>Shared timing of the raw transport loops: count consumed messages, skip the warm-up, stop the loops.</summary>
internal sealed class TransportLoop
{
    private long _consumed;
    private volatile bool _stopping;

    public bool Stopping => _stopping;

    public void Consumed(int count) => Interlocked.Add(ref _consumed, count);

    /// <summary>Lets the loops run through the warm-up, then returns consumed messages per second over the measured phase.</summary>
    public async Task<double> MeasureAsync(BenchOptions options, IEnumerable<Task> loops)
    {
        await Task.Delay(options.Warmup);
        var before = Interlocked.Read(ref _consumed);
        var clock = Stopwatch.StartNew();
        await Task.Delay(options.Measure);
        var consumed = Interlocked.Read(ref _consumed) - before;
        var seconds = clock.Elapsed.TotalSeconds;
        _stopping = true;
        await Task.WhenAll(loops);
        return consumed / seconds;
    }

    public static Envelope Envelope(byte[] data) => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Source = "/bench",
        Type = "order.created",
        Time = DateTimeOffset.UtcNow,
        Data = data,
        CorrelationId = "bench",
    };
}
