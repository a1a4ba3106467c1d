using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bridge.Chaos.Load;

/// <summary>
/// Publishes events 0…N−1 to the publisher with a fixed number of concurrent callers. Each event has its own
/// <c>Idempotency-Key</c>; a refused or failed publish (5xx, connection refused while the publisher is dead, a timeout)
/// is sent again with the same key until a 202 comes back, so "accepted" means exactly: a 202 was received.
/// </summary>
internal sealed class PublishLoad(Uri publisher, string key, string topic, int events, TimeSpan? publishFor, Timeline timeline)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private readonly string[] _messageIds = new string[events];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, int> _retries = new(StringComparer.Ordinal);
    private int _next = -1;
    private int _accepted;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>How many events were started (all of them, unless the time bound stopped the load early).</summary>
    public int Started => Math.Min(Volatile.Read(ref _next) + 1, _messageIds.Length);

    /// <summary>The message id each accepted event got (null where none was accepted).</summary>
    public IReadOnlyList<string> MessageIds => _messageIds;

    /// <summary>Publishes that were sent again, by what the previous try got (status code or exception type).</summary>
    public IReadOnlyDictionary<string, int> Retries => _retries;

    /// <summary>When (since the run started) the last event was accepted or given up.</summary>
    public TimeSpan Ended { get; private set; }

    public async Task RunAsync(int concurrency, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(2) };
        using var client = new HttpClient(handler) { BaseAddress = publisher, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => CallerAsync(client, cancellationToken), cancellationToken)));
        Ended = timeline.Elapsed;
    }

    private async Task CallerAsync(HttpClient client, CancellationToken cancellationToken)
    {
        int sequence;
        while ((publishFor is null || timeline.Elapsed < publishFor) && (sequence = Interlocked.Increment(ref _next)) < _messageIds.Length)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var outcome = await PublishAsync(client, sequence, cancellationToken);
                if (outcome is null)
                {
                    Interlocked.Increment(ref _accepted);
                    timeline.Accepted();
                    break;
                }
                _retries.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    /// <summary>Null once accepted; else what the try got.</summary>
    private async Task<string?> PublishAsync(HttpClient client, int sequence, CancellationToken cancellationToken)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{sequence}},"orderId":"{{_run}}-{{sequence}}","customerId":"{{sequence % 997}}","amount":{{sequence % 5000}},"source":"chaos"}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/topics/{topic}/events")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", $"chaos-{_run}-{sequence.ToString(CultureInfo.InvariantCulture)}");
        request.Headers.Add("ce-type", "order.created");
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            _messageIds[sequence] = answer.RootElement.GetProperty("messageId").GetString()!;
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return ex.GetType().Name;
        }
    }
}
