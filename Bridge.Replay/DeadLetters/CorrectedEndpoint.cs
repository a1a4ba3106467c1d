using Bridge.Messaging;
using Bridge.Replay.ReplayJobs;
using Bridge.Topology;

namespace Bridge.Replay.DeadLetters;

/// <summary>
/// Delivers dead letters straight to a corrected webhook URL, as the subscriber would (the same signed CloudEvent, with
/// the subscription's secret and timeout). A delivered dead letter is purged and recorded as replayed; one that fails
/// stays in the queue and counts as failed — and so do later ones of its ordering key, which must not overtake it
/// (see <see cref="OrderedCalls"/>).
/// </summary>
internal sealed class CorrectedEndpoint(OrderedCalls calls, IDeadLetterQueue deadLetters, Replayer replayer)
{
    /// <summary>Delivers one batch in order; updates <paramref name="progress"/>.</summary>
    public async Task DeliverAsync(
        SubscriptionDefinition subscription, Uri target, IReadOnlyList<DeadLetter> batch, HashSet<string> failedKeys, ReplayJobProgress progress, CancellationToken cancellationToken)
    {
        var delivered = new List<string>();
        try
        {
            await calls.SendAsync(subscription, target, batch.Select(d => d.Envelope), delivered, failedKeys, progress, cancellationToken);
        }
        finally
        {
            if (delivered.Count > 0)
            {
                // Delivered is delivered (a cancellation after some calls included): it counts as replayed even when
                // someone removed the dead letter meanwhile.
                await deadLetters.PurgeAsync(subscription.Address, delivered, CancellationToken.None);
                await replayer.RecordAsync(subscription.Address, delivered, batch, $"{progress.Job.RequestedBy} to {target}", progress.Job.Id);
                progress.AddReplayed(delivered.Count);
            }
        }
    }
}
