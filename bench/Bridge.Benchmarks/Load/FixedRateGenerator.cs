using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Bridge.Benchmarks.Load;

/// <summary>
/// Open-loop load at a steady rate: event <c>i</c> is scheduled at <c>start + i / rate</c> and sent then whether or not
/// earlier requests have been answered; its data carries that scheduled time (<c>sentAt</c>), so latency measured
/// from it includes any time the event waited for the generator or the server (no coordinated omission).
/// Events scheduled during the warm-up are sent but not counted.
/// </summary>
internal static class FixedRateGenerator
{
    /// <summary>
    /// What the generator saw: ids of the counted events the bridge accepted, failed sends, when the counted events
    /// were scheduled to start (UTC ticks) and how late the generator ran at worst.
    /// </summary>
    public sealed record Outcome(IReadOnlyCollection<string> Accepted, long Failed, long Sent, long MeasuredFromTicks, double MaxLagMs);

    public static async Task<Outcome> RunAsync(Uri url, string apiKey, double rate, TimeSpan warmup, TimeSpan measure, CancellationToken cancellationToken = default)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        var accepted = new ConcurrentBag<string>();
        long failed = 0, inFlight = 0, sent = 0;
        var maxLag = 0.0;
        var interval = TimeSpan.TicksPerSecond / rate;
        var total = (warmup + measure).Ticks;
        var startTicks = BenchClock.UtcTicks;
        var clock = Stopwatch.StartNew();

        for (long i = 0; ; i++)
        {
            var offset = (long)(i * interval);
            if (offset >= total || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var wait = offset - clock.Elapsed.Ticks;
            if (wait > TimeSpan.TicksPerMillisecond)
            {
                await Task.Delay(TimeSpan.FromTicks(wait), CancellationToken.None);
            }
            maxLag = Math.Max(maxLag, (clock.Elapsed.Ticks - offset) / (double)TimeSpan.TicksPerMillisecond);

            var counted = offset >= warmup.Ticks;
            Interlocked.Increment(ref inFlight);
            sent++;
            _ = SendAsync(startTicks + offset, counted);
        }

        while (Interlocked.Read(ref inFlight) > 0)
        {
            await Task.Delay(10, CancellationToken.None);
        }
        return new Outcome(accepted, failed, sent, startTicks + warmup.Ticks, maxLag);

        async Task SendAsync(long sentAtTicks, bool counted)
        {
            try
            {
                using var response = await client.PostAsync(url, Payloads.Json(Payloads.Event(sentAtTicks)), CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref failed);
                    return;
                }
                if (counted)
                {
                    await using var body = await response.Content.ReadAsStreamAsync();
                    using var document = await JsonDocument.ParseAsync(body);
                    accepted.Add(document.RootElement.GetProperty("messageId").GetString()!);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }
    }
}
