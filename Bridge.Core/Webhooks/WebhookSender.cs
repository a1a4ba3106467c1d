using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bridge.Envelopes;
using Bridge.Topology;
using Bridge.Webhooks.Batches;
using Bridge.Webhooks.Credentials;
using Bridge.Webhooks.Destinations;
using Bridge.Webhooks.Projection;

namespace Bridge.Webhooks;

/// <summary>
/// Makes one signed webhook call the way every Bridge delivery does: the envelope, its data projected when the
/// subscription has a <see cref="WebhookProjection"/>, in the subscription's <see cref="WebhookFormat"/> (<see cref="WebhookPayload"/>), Standard Webhooks headers (<c>webhook-id</c> = the envelope id, <c>webhook-timestamp</c>, <c>webhook-signature</c>),
/// the correlation id, and a per-call timeout. Used by the subscriber and by replays to a corrected endpoint.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, OAuthTokens tokens, EndpointConnections connections)
{
    /// <summary>The <see cref="WebhookCallResult.ErrorType"/> of a call that timed out.</summary>
    public const string TimeoutErrorType = "timeout";

    /// <summary>The named HttpClient used for webhook calls.</summary>
    public const string HttpClientName = "bridge-webhooks";

    /// <summary>The User-Agent of every webhook call.</summary>
    public const string UserAgent = "Bridge/1.0";

    private const int ExcerptBytes = 1024;
    private static readonly MediaTypeHeaderValue BatchContentType = MediaTypeHeaderValue.Parse(WebhookBatch.MediaType + "; charset=utf-8");
    private readonly ConcurrentDictionary<string, WebhookSigner> _signers = new(StringComparer.Ordinal);

    /// <summary>2xx delivered; 408, 429 and 5xx transient; every other status a permanent rejection.</summary>
    public static AttemptOutcome Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => AttemptOutcome.Delivered,
        408 or 429 or >= 500 => AttemptOutcome.Failed,
        _ => AttemptOutcome.Rejected,
    };

    /// <summary>
    /// Posts <paramref name="envelope"/> to <paramref name="url"/> (the target's own, or a corrected one) as
    /// <paramref name="target"/> says: in its <see cref="WebhookFormat"/> (<paramref name="body"/> is the structured
    /// serialisation), the body sent signed with each of its secrets (two while a rotated secret retires:
    /// <c>webhook-signature</c> then carries both, space-separated), with its credentials when <paramref name="url"/> has
    /// the target URL's origin (an OAuth token refused with 401 is fetched again once), within its timeout. With a
    /// projection the data is projected first (<paramref name="body"/> then re-serialised): data that is not a JSON object
    /// is a permanent rejection with <see cref="WebhookProjection.ErrorType"/>, and no call is made. Never throws
    /// for what the endpoint does: every outcome is in the result.
    /// </summary>
    public Task<WebhookCallResult> SendAsync(WebhookTarget target, Uri url, Envelope envelope, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        TryPrepare(target, envelope, body, out var call, out var rejected)
            ? SendAsync(target, url, call, cancellationToken)
            : Task.FromResult(rejected!);

    /// <summary>
    /// What a call of <paramref name="envelope"/> to <paramref name="target"/> sends: its body in the target's format,
    /// the data projected first when the target has a projection. False, with the permanent rejection in
    /// <paramref name="rejected"/> (<see cref="WebhookProjection.ErrorType"/>), when the data cannot be projected: no call
    /// is to be made, so nothing about the endpoint is learnt from it.
    /// </summary>
    public static bool TryPrepare(WebhookTarget target, Envelope envelope, ReadOnlyMemory<byte> body, out PreparedCall call, out WebhookCallResult? rejected)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(envelope);
        var format = target.Format;
        if (target.Projection is { } projection)
        {
            // Permanent: the same data will never project. No call is made.
            if (!projection.TryApply(envelope, out var projected, out var unprojectable))
            {
                call = default;
                rejected = Failed(AttemptOutcome.Rejected, Stopwatch.GetTimestamp(), unprojectable, WebhookProjection.ErrorType);
                return false;
            }
            envelope = projected;
            body = format == WebhookFormat.Structured ? EnvelopeSerializer.Serialize(projected) : projected.Data;
        }
        call = new PreparedCall(envelope, WebhookPayload.Body(format, envelope, body));
        rejected = null;
        return true;
    }

    /// <summary>Posts a call prepared by <see cref="TryPrepare"/> to <paramref name="url"/>, as <see cref="SendAsync(WebhookTarget, Uri, Envelope, ReadOnlyMemory{byte}, CancellationToken)"/> does.</summary>
    public Task<WebhookCallResult> SendAsync(WebhookTarget target, Uri url, PreparedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(url);
        return CallAsync(target, url, call.Envelope.Id, call.Envelope, call.Sent, ExcerptBytes, cancellationToken);
    }

    /// <summary>
    /// Posts a batch (<see cref="WebhookBatch"/>: <paramref name="body"/> is the JSON array of structured events) to the
    /// target's URL as <see cref="WebhookBatch.MediaType"/>, signed once under <paramref name="batchId"/> as
    /// <c>webhook-id</c>, with the target's credentials and within its timeout. The result's
    /// <see cref="WebhookCallResult.ResponseExcerpt"/> holds up to <see cref="WebhookBatch.AnswerBytes"/> of the answer,
    /// where the receiver lists events it refuses (<see cref="WebhookBatch.Rejections"/>). Never throws for what the endpoint does.
    /// </summary>
    public Task<WebhookCallResult> SendBatchAsync(WebhookTarget target, string batchId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(batchId);
        return CallAsync(target, target.Url, batchId, null, body, WebhookBatch.AnswerBytes, cancellationToken);
    }

    /// <summary>The signed call of <paramref name="sent"/>: one envelope's (<paramref name="envelope"/> describes it) or a batch's (null).</summary>
    private async Task<WebhookCallResult> CallAsync(WebhookTarget target, Uri url, string id, Envelope? envelope, ReadOnlyMemory<byte> sent, int answerBytes, CancellationToken cancellationToken)
    {
        var format = target.Format;
        var timeout = target.Timeout;
        var credentials = SameOrigin(url, target.Url) ? target.Credentials : EndpointCredentials.None;
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var signature = string.Join(' ', target.SigningSecrets(timeProvider.GetUtcNow())
            .Select(secret => _signers.GetOrAdd(secret, s => new WebhookSigner(s)).Sign(id, timestamp, sent.Span)));

        HttpRequestMessage Request(string? token)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(sent) };
            if (envelope is null)
            {
                request.Content.Headers.ContentType = BatchContentType;
            }
            else
            {
                WebhookPayload.Describe(request, format, envelope);
                request.Headers.TryAddWithoutValidation("X-Correlation-Id", envelope.CorrelationId);
            }
            request.Headers.TryAddWithoutValidation(WebhookSigner.IdHeader, id);
            request.Headers.TryAddWithoutValidation(WebhookSigner.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(WebhookSigner.SignatureHeader, signature);
            credentials.Apply(request);
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            return request;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // A client certificate or a private server authority belongs to the connection: such endpoints get their own pool.
            var client = credentials.Tls is { } tls ? connections.For(tls) : httpClientFactory.CreateClient(HttpClientName);
            string? token = null;
            if (credentials.OAuth is { } oauth)
            {
                var (fetched, error, transient) = await tokens.GetAsync(oauth, deadline.Token);
                if (fetched is null)
                {
                    return Failed(transient ? AttemptOutcome.Failed : AttemptOutcome.Rejected, started, "No OAuth token: " + error, OAuthTokens.ErrorType);
                }
                token = fetched;
            }

            var response = await SendOnceAsync(client, Request(token), deadline.Token);
            if (response.StatusCode == HttpStatusCode.Unauthorized && credentials.OAuth is { } refusedFor && token is not null)
            {
                // The endpoint no longer takes the cached token (revoked, rotated key): one fresh token, one more call.
                response.Dispose();
                tokens.Invalidate(refusedFor, token);
                var (fresh, error, transient) = await tokens.GetAsync(refusedFor, deadline.Token);
                if (fresh is null)
                {
                    return Failed(transient ? AttemptOutcome.Failed : AttemptOutcome.Rejected, started, "No OAuth token: " + error, OAuthTokens.ErrorType);
                }
                response = await SendOnceAsync(client, Request(fresh), deadline.Token);
            }
            using var answered = response;
            var excerpt = await ReadExcerptAsync(response, answerBytes, deadline.Token);
            var outcome = Classify(response.StatusCode);
            var status = (int)response.StatusCode;
            return new WebhookCallResult(
                outcome,
                status,
                Stopwatch.GetElapsedTime(started),
                outcome == AttemptOutcome.Delivered ? null : $"HTTP {status} {response.ReasonPhrase}".TrimEnd(),
                excerpt,
                RetryAfter(response))
            {
                ErrorType = outcome == AttemptOutcome.Delivered ? null : status.ToString(CultureInfo.InvariantCulture),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Failed(AttemptOutcome.Cancelled, started, "Cancelled by shutdown.", nameof(OperationCanceledException));
        }
        catch (OperationCanceledException)
        {
            return Failed(AttemptOutcome.Failed, started, $"Timed out after {timeout.TotalSeconds:0.###} s.", TimeoutErrorType);
        }
        catch (HttpRequestException ex) when (ex.InnerException is DestinationNotAllowedException refused)
        {
            // Permanent: the address will not become public by retrying. No connection was opened.
            return Failed(AttemptOutcome.Rejected, started, $"{DestinationPolicy.RefusedReason}: {refused.Message}", DestinationPolicy.RefusedReason) with { Refusal = DestinationPolicy.RefusedReason };
        }
        catch (HttpRequestException ex)
        {
            return Failed(AttemptOutcome.Failed, started, "Connection failed: " + ex.Message, ex.GetType().FullName);
        }
        catch (IOException ex)
        {
            // e.g. the receiver cut the response short: we cannot know it took the envelope, so it counts as failed.
            return Failed(AttemptOutcome.Failed, started, "Response failed: " + ex.Message, ex.GetType().FullName);
        }
    }

    private static async Task<HttpResponseMessage> SendOnceAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static WebhookCallResult Failed(AttemptOutcome outcome, long started, string error, string? errorType) =>
        new(outcome, null, Stopwatch.GetElapsedTime(started), error, null, null) { ErrorType = errorType };

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(limit, ExcerptBytes)];
        var total = 0;
        int read;
        while (total < limit && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
            if (total == buffer.Length && total < limit)
            {
                // Only a batch's answer may be longer than an excerpt: it can list the events the receiver refuses.
                Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 4));
            }
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

/// <summary>A call ready to be made: the envelope as sent (projected, if the target projects) and the exact body.</summary>
/// <param name="Envelope">The envelope the call describes in its headers.</param>
/// <param name="Sent">The body, signed and sent as it is.</param>
public readonly record struct PreparedCall(Envelope Envelope, ReadOnlyMemory<byte> Sent);

/// <summary>What one webhook call came to.</summary>
/// <param name="Outcome">Delivered, rejected (permanent), failed (transient) or cancelled.</param>
/// <param name="StatusCode">HTTP status, when an answer came.</param>
/// <param name="Duration">Time the call took.</param>
/// <param name="Error">Why it did not succeed.</param>
/// <param name="ResponseExcerpt">The start of the response body.</param>
/// <param name="RetryAfter">Delay the receiver asked for with <c>Retry-After</c>.</param>
public sealed record WebhookCallResult(
    AttemptOutcome Outcome,
    int? StatusCode,
    TimeSpan Duration,
    string? Error,
    string? ResponseExcerpt,
    TimeSpan? RetryAfter)
{
    /// <summary>Why the call was refused before it was made (<see cref="DestinationPolicy.RefusedReason"/>), or null.</summary>
    public string? Refusal { get; init; }

    /// <summary>
    /// Class of the failure, for <c>error.type</c>: the HTTP status code, <c>timeout</c>, or the exception's type name;
    /// null when delivered.
    /// </summary>
    public string? ErrorType { get; init; }
}
