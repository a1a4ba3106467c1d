using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Bridge.Topology;
using Bridge.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bridge.Standalone.Samples;

/// <summary>
/// DEVELOPMENT ONLY: a webhook receiver that verifies the Standard Webhooks signature with the secret of the
/// subscription pointing at it, logs each envelope, and lists the last ones received.
/// </summary>
internal sealed partial class SampleReceiver(TopologyCatalog catalog, TimeProvider timeProvider, ILogger<SampleReceiver> logger)
{
    public const string Path = "/samples/webhook";
    private const int Keep = 100;
    private readonly ConcurrentQueue<ReceivedSample> _received = new();

    public IReadOnlyList<ReceivedSample> Received => [.. _received];

    public async Task<Results<NoContent, UnauthorizedHttpResult>> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var body = buffer.ToArray();
        var id = request.Headers[WebhookSigner.IdHeader].ToString();
        var timestamp = request.Headers[WebhookSigner.TimestampHeader].ToString();
        var signatures = request.Headers[WebhookSigner.SignatureHeader].ToString();

        var valid = long.TryParse(timestamp, out var seconds)
            && Math.Abs(timeProvider.GetUtcNow().ToUnixTimeSeconds() - seconds) <= 300
            && SecretsPointingHere().Any(secret => Matches(new WebhookSigner(secret).Sign(id, seconds, body), signatures));
        if (!valid)
        {
            LogRejected(logger, id);
            return TypedResults.Unauthorized();
        }

        var sample = new ReceivedSample(id, timeProvider.GetUtcNow(), Encoding.UTF8.GetString(body));
        _received.Enqueue(sample);
        while (_received.Count > Keep && _received.TryDequeue(out _))
        {
        }

        LogReceived(logger, id, sample.Envelope);
        return TypedResults.NoContent();
    }

    private IEnumerable<string> SecretsPointingHere() =>
        catalog.Subscriptions.Select(s => s.Webhook).OfType<WebhookTarget>().Where(w => w.Url.AbsolutePath == Path).Select(w => w.Secret).Distinct(StringComparer.Ordinal);

    private static bool Matches(string expected, string header) =>
        header.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(candidate =>
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), Encoding.ASCII.GetBytes(expected)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample receiver: delivered {MessageId}, signature valid: {Envelope}")]
    private static partial void LogReceived(ILogger logger, string messageId, string envelope);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sample receiver: rejected {MessageId}, signature invalid")]
    private static partial void LogRejected(ILogger logger, string messageId);
}

/// <summary>An envelope the sample receiver accepted.</summary>
public sealed record ReceivedSample(string MessageId, DateTimeOffset ReceivedAt, string Envelope);
