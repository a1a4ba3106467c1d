using System.Buffers;
using Bridge.Publisher.Publishing;
using Bridge.Topology;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> header on the publish endpoints. A request without it passes untouched. With it, the key
/// is claimed in the store before anything is published: the one request that claims it publishes and stores its 202,
/// which every later request with the same key and the same request gets again (<c>Idempotent-Replayed: true</c>)
/// without publishing; a failed publish releases the key. Duplicates that arrive while it is in flight wait for it
/// (bounded) and get its response, or 409 with Retry-After. The same key with a different request gets 422.
/// </summary>
internal sealed partial class IdempotencyFilter(
    IdempotencyStore store,
    TopologyCatalog catalog,
    IOptions<IdempotencyOptions> options,
    IOptions<PublisherOptions> publisherOptions,
    IOptions<JsonOptions> json,
    TimeProvider time,
    ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var header = IdempotencyKeyHeader.Read(http.Request.Headers[IdempotencyKeyHeader.Name]);
        if (header.IsAbsent)
        {
            return await next(context);
        }

        var correlationId = Correlation.Resolve(http.Request, null);
        if (header.Error is not null)
        {
            LogInvalidKey(logger, header.Error, correlationId);
            return IdempotencyProblems.InvalidKey(header.Error);
        }

        var topic = http.Request.RouteValues["topic"] as string ?? "";
        var batch = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == PublishApi.BatchEndpointName;
        var body = catalog.HasTopic(topic) ? await BufferBodyAsync(http.Request, batch ? publisherOptions.Value.MaxBatchBytes : publisherOptions.Value.MaxEventBytes) : null;
        if (body is null)
        {
            return await next(context); // an unknown topic or an oversize body: the endpoint refuses it (404, 413) and no key is claimed
        }

        var scope = IdempotencyScope.Of(http, topic, header.Key!);
        var fingerprint = RequestFingerprint.Compute(http.Request, topic, batch, body.Value.Span);
        ClaimResult claim;
        try
        {
            claim = await ClaimOrWaitAsync(scope, fingerprint, http.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreUnavailable(logger, ex, scope.ToString(), correlationId);
            return IdempotencyProblems.StoreUnavailable(correlationId);
        }

        switch (claim.Status)
        {
            case ClaimStatus.Completed:
                LogReplayed(logger, scope.ToString(), correlationId);
                return claim.Response;
            case ClaimStatus.Mismatch:
                LogReused(logger, scope.ToString(), correlationId);
                return IdempotencyProblems.KeyReused(topic);
            case ClaimStatus.InFlight:
                LogStillInFlight(logger, scope.ToString(), options.Value.WaitForInFlight.TotalSeconds, correlationId);
                http.Response.Headers.RetryAfter = "1";
                return IdempotencyProblems.KeyInUse(topic, options.Value.WaitForInFlight);
            default:
                if (claim.Status == ClaimStatus.TakenOver)
                {
                    LogTakenOver(logger, scope.ToString(), correlationId);
                }

                return await PublishAsync(context, next, scope, claim);
        }
    }

    private async Task<ClaimResult> ClaimOrWaitAsync(IdempotencyScope scope, string fingerprint, CancellationToken cancellationToken)
    {
        var claim = await store.ClaimAsync(scope, fingerprint, cancellationToken);
        var started = time.GetTimestamp();
        while (claim.Status == ClaimStatus.InFlight && time.GetElapsedTime(started) < options.Value.WaitForInFlight)
        {
            await Task.Delay(options.Value.PollInterval, time, cancellationToken);
            claim = await store.PeekAsync(scope, fingerprint, cancellationToken) ?? await store.ClaimAsync(scope, fingerprint, cancellationToken);
        }

        return claim;
    }

    private async Task<object?> PublishAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyScope scope, ClaimResult claim)
    {
        var http = context.HttpContext;
        var token = claim.Token!;
        claim.Publish!.Attach(http);
        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await ReleaseAsync(scope, token, http);
            throw;
        }

        var inner = result is INestedHttpResult nested ? nested.Result : result as IResult;
        if (inner is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 and var status })
        {
            var response = StoredResponse.Capture(status, (inner as IValueHttpResult)?.Value, http.Response, json.Value.SerializerOptions);
            await CompleteAsync(scope, token, response, http);
            return response;
        }

        await ReleaseAsync(scope, token, http);
        return result;
    }

    private async Task CompleteAsync(IdempotencyScope scope, string token, StoredResponse response, HttpContext http)
    {
        try
        {
            if (!await store.CompleteAsync(scope, token, response))
            {
                LogClaimLost(logger, scope.ToString(), CorrelationOf(http));
            }
        }
#pragma warning disable CA1031 // The events are accepted: the caller gets its 202 whatever the store says.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCompleteFailed(logger, ex, scope.ToString(), CorrelationOf(http));
        }
    }

    private async Task ReleaseAsync(IdempotencyScope scope, string token, HttpContext http)
    {
        try
        {
            await store.ReleaseAsync(scope, token);
        }
#pragma warning disable CA1031 // The publish already failed; an unreleased claim frees itself when its lease is over.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReleaseFailed(logger, ex, scope.ToString(), CorrelationOf(http));
        }
    }

    /// <summary>Reads the body into a rewound buffer; null when it is over <paramref name="limit"/> (the endpoint answers 413).</summary>
    private static async Task<ReadOnlyMemory<byte>?> BufferBodyAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        request.EnableBuffering();
        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 4096, 1, limit + 1L));
        int read;
        while ((read = await request.Body.ReadAsync(buffer.GetMemory(4096), request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                break;
            }
        }

        request.Body.Position = 0;
        return buffer.WrittenCount > limit ? null : buffer.WrittenMemory;
    }

    private static string CorrelationOf(HttpContext http) =>
        http.Response.Headers[Correlation.HeaderName].ToString() is { Length: > 0 } id ? id : Correlation.Resolve(http.Request, null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an Idempotency-Key: {Reason} (correlation {CorrelationId})")]
    private static partial void LogInvalidKey(ILogger logger, string reason, string correlationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed the stored response of idempotency key {Key}; nothing published (correlation {CorrelationId})")]
    private static partial void LogReplayed(ILogger logger, string key, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency key {Key} was used before with a different request: refused with 422 (correlation {CorrelationId})")]
    private static partial void LogReused(ILogger logger, string key, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency key {Key} is still in flight after waiting {Seconds} s: refused with 409 (correlation {CorrelationId})")]
    private static partial void LogStillInFlight(ILogger logger, string key, double seconds, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took over idempotency key {Key}, whose request died mid-publish; publishing again under the same message ids (correlation {CorrelationId})")]
    private static partial void LogTakenOver(ILogger logger, string key, string correlationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not claim idempotency key {Key}: the store is unavailable; nothing published, answered 503 (correlation {CorrelationId})")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string key, string correlationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The events of idempotency key {Key} were accepted but its response could not be stored; a retry after the lease publishes them again under the same message ids (correlation {CorrelationId})")]
    private static partial void LogCompleteFailed(ILogger logger, Exception exception, string key, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The claim on idempotency key {Key} was taken over before its response was stored (the publish outlived its lease) (correlation {CorrelationId})")]
    private static partial void LogClaimLost(ILogger logger, string key, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release idempotency key {Key} after a failed publish; it frees itself when its lease is over (correlation {CorrelationId})")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string key, string correlationId);
}
