using Bridge.Envelopes;
using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Replay.ReplayJobs;

/// <summary>
/// The webhook calls of a job that delivers envelopes itself (a replay to a corrected endpoint, a recovery): one at a
/// time in the order given, signed like any delivery of the subscription (its secret, format, credentials and timeout,
/// <c>webhook-id</c> = the envelope id). A call that fails is not retried; it counts as failed, and so do the later
/// envelopes of its ordering key, which must not overtake it.
/// </summary>
internal sealed partial class OrderedCalls(WebhookSender sender, ILogger<OrderedCalls> logger)
{
    /// <summary>
    /// Calls <paramref name="target"/> with each envelope in order, adding the ids delivered (2xx) to
    /// <paramref name="delivered"/> as they are — the caller's list, so what was sent before a cancellation is still
    /// recorded. Adds every failure to <paramref name="progress"/> and its ordering key to <paramref name="failedKeys"/>
    /// (kept across batches).
    /// </summary>
    public async Task SendAsync(
        SubscriptionDefinition subscription, Uri target, IEnumerable<Envelope> envelopes, List<string> delivered, HashSet<string> failedKeys,
        ReplayJobProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        var webhook = subscription.PushTarget;
        foreach (var envelope in envelopes)
        {
            if (envelope.OrderingKey is { } heldKey && failedKeys.Contains(heldKey))
            {
                progress.AddFailed(1);
                continue;
            }

            var call = await sender.SendAsync(webhook, target, envelope, EnvelopeSerializer.Serialize(envelope), cancellationToken);
            if (call.Outcome == AttemptOutcome.Cancelled)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (call.Outcome == AttemptOutcome.Delivered)
            {
                delivered.Add(envelope.Id);
                continue;
            }

            progress.AddFailed(1);
            if (envelope.OrderingKey is { } key)
            {
                failedKeys.Add(key);
            }
            LogFailed(logger, envelope.Id, subscription.Address.ToString(), progress.Job.Id, target, call.Error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call of {MessageId} of {Subscription} (job {JobId}) to {Target} failed: {Error}; later envelopes of its ordering key are held back")]
    private static partial void LogFailed(ILogger logger, string messageId, string subscription, string jobId, Uri target, string? error);
}
