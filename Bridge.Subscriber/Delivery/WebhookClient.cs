using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Store.Attempts;
using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Subscriber.Delivery;

/// <summary>Makes one signed webhook call: CloudEvents structured JSON, Standard Webhooks signature, per-attempt timeout.</summary>
internal sealed class WebhookClient(IHttpClientFactory httpClientFactory, TimeProvider timeProvider)
{
    private const int ExcerptBytes = 1024;
    private static readonly MediaTypeHeaderValue ContentType = MediaTypeHeaderValue.Parse(CloudEventAttributes.StructuredMediaType + "; charset=utf-8");
    private readonly ConcurrentDictionary<string, WebhookSigner> _signers = new(StringComparer.Ordinal);

    public async Task<AttemptResult> SendAsync(WebhookTarget target, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var envelope = message.Envelope;
        var body = message.SerializedEnvelope();
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var signer = _signers.GetOrAdd(target.Secret, secret => new WebhookSigner(secret));

        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = ContentType;
        request.Headers.TryAddWithoutValidation(WebhookSigner.IdHeader, envelope.Id);
        request.Headers.TryAddWithoutValidation(WebhookSigner.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSigner.SignatureHeader, signer.Sign(envelope.Id, timestamp, body.Span));
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", envelope.CorrelationId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var client = httpClientFactory.CreateClient(SubscriberExtensions.WebhookClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ReadExcerptAsync(response, timeout.Token);
            var outcome = RetryPolicy.Classify(response.StatusCode);
            var status = (int)response.StatusCode;
            return new AttemptResult(
                outcome,
                status,
                Stopwatch.GetElapsedTime(started),
                outcome == AttemptOutcome.Delivered ? null : $"HTTP {status} {response.ReasonPhrase}".TrimEnd(),
                excerpt,
                RetryAfter(response));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(AttemptOutcome.Cancelled, null, Stopwatch.GetElapsedTime(started), "Cancelled by shutdown.", null, null);
        }
        catch (OperationCanceledException)
        {
            return new AttemptResult(AttemptOutcome.Failed, null, Stopwatch.GetElapsedTime(started), $"Timed out after {target.Timeout.TotalSeconds:0.###} s.", null, null);
        }
        catch (HttpRequestException ex)
        {
            return new AttemptResult(AttemptOutcome.Failed, null, Stopwatch.GetElapsedTime(started), "Connection failed: " + ex.Message, null, null);
        }
        catch (IOException ex)
        {
            // e.g. the receiver cut the response short: we cannot know it took the envelope, so retry.
            return new AttemptResult(AttemptOutcome.Failed, null, Stopwatch.GetElapsedTime(started), "Response failed: " + ex.Message, null, null);
        }
    }

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ExcerptBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }
        return total == 0 ? null : Encoding.UTF8.GetString(buffer, 0, total);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
