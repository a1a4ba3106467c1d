using Bridge.Dedupe;
using Bridge.Messaging;
using Bridge.Telemetry;
using Bridge.Topology;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriber.Dedupe;

/// <summary>
/// The delivery side of dedupe: claims an envelope before the webhook call, marks it delivered after a 2xx, releases
/// the claim otherwise. A dedupe store that cannot be reached never stops a delivery: the envelope is delivered
/// (at least once, possibly twice), counted on <c>bridge.dedupe.unavailable</c> and logged as a warning.
/// </summary>
internal sealed partial class DedupeGate(IDeliveryDedupe dedupe, IOptions<DedupeOptions> options, ILogger<DedupeGate> logger)
{
    public async Task<DedupeClaim> ClaimAsync(SubscriptionDefinition definition, ReceivedMessage message, CancellationToken cancellationToken)
    {
        var address = definition.Address;
        DedupeClaim claim;
        try
        {
            // A short lease its holder renews while calling (RenewAsync): a claim of a process that died frees within one lease.
            claim = await dedupe.ClaimAsync(address, message.Envelope.DedupeId, options.Value.ClaimLease, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnavailable(logger, ex, "claim", message.Envelope.Id, address.ToString(), message.Envelope.CorrelationId);
            claim = new DedupeClaim(address, message.Envelope.DedupeId, DedupeOutcome.Unavailable, "");
        }

        if (claim.Outcome == DedupeOutcome.Unavailable)
        {
            BridgeTelemetry.DedupeUnavailable.Add(1, new KeyValuePair<string, object?>("operation", "claim"));
            LogDeliveringWithoutDedupe(logger, message.Envelope.Id, address.ToString(), message.Envelope.CorrelationId);
        }
        return claim;
    }

    /// <summary>How long an envelope another subscriber holds a claim on waits before it is looked at again (no delivery spent).</summary>
    public TimeSpan InProgressDelay => options.Value.ClaimLease / 4;

    /// <summary>How often a claim taken by this process is renewed while its call runs (a third of its lease); null when there is no claim to keep.</summary>
    public TimeSpan? RenewalInterval(DedupeClaim claim) => claim.Outcome == DedupeOutcome.Claimed ? options.Value.ClaimLease / 3 : null;

    /// <summary>
    /// Renews a claim taken by this process for another lease, while its call runs. False when the claim is gone
    /// (another subscriber took it after it expired): logged, and not renewed again. A dedupe store that cannot be
    /// reached is logged; the call goes on either way.
    /// </summary>
    public async Task<bool> RenewAsync(DedupeClaim claim, ReceivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (!await dedupe.RenewAsync(claim, options.Value.ClaimLease, cancellationToken))
            {
                LogClaimLost(logger, message.Envelope.Id, claim.Subscription.ToString(), message.Envelope.CorrelationId);
                return false;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            BridgeTelemetry.DedupeUnavailable.Add(1, new KeyValuePair<string, object?>("operation", "renew"));
            LogUnavailable(logger, ex, "renew", message.Envelope.Id, claim.Subscription.ToString(), message.Envelope.CorrelationId);
        }
        return true;
    }

    /// <summary>
    /// After the call (made only on a claim that was taken or could not be asked for): a delivered envelope is marked
    /// (before it is completed) either way, so the store learns of it once it is back; otherwise a taken claim is released.
    /// </summary>
    public async Task SettledAsync(DedupeClaim claim, ReceivedMessage message, bool delivered)
    {
        if (!delivered && claim.Outcome != DedupeOutcome.Claimed)
        {
            return;
        }

        try
        {
            if (delivered)
            {
                await dedupe.MarkDeliveredAsync(claim, options.Value.Window, CancellationToken.None);
            }
            else
            {
                await dedupe.ReleaseAsync(claim, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // The dedupe store is a cache: its failure must not fail the delivery.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var operation = delivered ? "mark" : "release";
            BridgeTelemetry.DedupeUnavailable.Add(1, new KeyValuePair<string, object?>("operation", operation));
            LogUnavailable(logger, ex, operation, message.Envelope.Id, claim.Subscription.ToString(), message.Envelope.CorrelationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dedupe {Operation} for {MessageId} of {Subscription} failed (correlation {CorrelationId}); delivery goes on without it")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string operation, string messageId, string subscription, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dedupe claim on {MessageId} of {Subscription} expired while its webhook call ran (correlation {CorrelationId}); another subscriber may call it too")]
    private static partial void LogClaimLost(ILogger logger, string messageId, string subscription, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dedupe store unreachable: delivering {MessageId} to {Subscription} without a claim (correlation {CorrelationId}); a redelivery may reach the webhook twice")]
    private static partial void LogDeliveringWithoutDedupe(ILogger logger, string messageId, string subscription, string correlationId);
}
