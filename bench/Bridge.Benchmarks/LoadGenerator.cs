using System.Diagnostics;
using System.Net;

namespace Bridge.Benchmarks;

/// <summary>Closed-loop HTTP load: <c>concurrency</c> workers POST back to back for a fixed time.</summary>
internal static class LoadGenerator
{
    public static async Task<(long Accepted, long Failed, TimeSpan Elapsed)> RunAsync(
        Uri url, Func<HttpContent> body, int concurrency, TimeSpan duration, Func<HttpResponseMessage, Task>? onAccepted = null)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        long accepted = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                try
                {
                    using var response = await client.PostAsync(url, body());
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref accepted);
                        if (onAccepted is not null)
                        {
                            await onAccepted(response);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (accepted, failed, clock.Elapsed);
    }
}
