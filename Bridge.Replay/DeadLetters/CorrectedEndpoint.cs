using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Replay.ReplayJobs;
using Bridge.Topology;
using Bridge.Webhooks;

namespace Bridge.Replay.DeadLetters;

/// <summary>
/// Delivers dead letters straight to a corrected webhook URL, as the subscriber would (the same signed CloudEvent, with
/// the subscription's secret and timeout). A delivered dead letter is purged and recorded as replayed; one that fails
/// stays in the queue and counts as failed — and so do later ones of its ordering key, which must not overtake it.
/// </summary>
internal sealed partial class CorrectedEndpoint(
    WebhookSender sender, IDeadLetterQueue deadLetters, Replayer replayer, ILogger<CorrectedEndpoint> logger)
{
    /// <summary>Delivers one batch in order; updates <paramref name="progress"/>.</summary>
    public async Task DeliverAsync(
        SubscriptionDefinition subscription, Uri target, IReadOnlyList<DeadLetter> batch, HashSet<string> failedKeys, ReplayJobProgress progress, CancellationToken cancellationToken)
    {
        var delivered = new List<string>(batch.Count);
        foreach (var deadLetter in batch)
        {
            var envelope = deadLetter.Envelope;
            if (envelope.OrderingKey is { } heldKey && failedKeys.Contains(heldKey))
            {
                progress.AddFailed(1);
                continue;
            }

            var webhook = subscription.PushTarget;
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

        if (delivered.Count > 0)
        {
            // Delivered is delivered: it counts as replayed even when someone removed the dead letter meanwhile.
            await deadLetters.PurgeAsync(subscription.Address, delivered, CancellationToken.None);
            await replayer.RecordAsync(subscription.Address, delivered, batch, $"{progress.Job.RequestedBy} to {target}", progress.Job.Id);
            progress.AddReplayed(delivered.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay of {MessageId} of {Subscription} (job {JobId}) to {Target} failed: {Error}; it stays a dead letter")]
    private static partial void LogFailed(ILogger logger, string messageId, string subscription, string jobId, Uri target, string? error);
}
