using Bridge.Topology;

namespace Bridge.Dedupe;

/// <summary>
/// Remembers which envelopes a subscription has delivered, so a redelivery of one already delivered (its completion
/// was lost: a crash, an expired lock) is completed without a second webhook call. A subscriber claims an envelope
/// before calling the webhook, keeps the claim alive while the call runs (a claim lives for a short lease that its
/// holder renews, so the claim of a process that died frees within one lease), marks it delivered on a 2xx answer and
/// releases the claim otherwise.
/// </summary>
public interface IDeliveryDedupe
{
    /// <summary>
    /// Claims <paramref name="messageId"/> of <paramref name="subscription"/> for <paramref name="lease"/>. A claim
    /// another subscriber holds, or a delivered mark, is reported instead of taken.
    /// </summary>
    Task<DedupeClaim> ClaimAsync(SubscriptionAddress subscription, string messageId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Extends a claim this caller holds to <paramref name="lease"/> from now. False when it is no longer this claim (it
    /// expired and another subscriber took it, or it was marked delivered).
    /// </summary>
    Task<bool> RenewAsync(DedupeClaim claim, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Marks the envelope delivered for <paramref name="window"/>: claims within it report <see cref="DedupeOutcome.AlreadyDelivered"/>.</summary>
    Task MarkDeliveredAsync(DedupeClaim claim, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Gives a claim up (the call failed or was cut off), if it is still this claim.</summary>
    Task ReleaseAsync(DedupeClaim claim, CancellationToken cancellationToken);
}

/// <summary>What a claim came to.</summary>
public enum DedupeOutcome
{
    /// <summary>The caller holds the claim and may call the webhook.</summary>
    Claimed,

    /// <summary>Delivered within the dedupe window: complete without calling the webhook.</summary>
    AlreadyDelivered,

    /// <summary>Another subscriber holds a live claim: it is calling the webhook now.</summary>
    InProgress,

    /// <summary>The dedupe store could not be reached: deliver anyway (never lose), and say so.</summary>
    Unavailable,
}

/// <summary>A claim on one envelope of one subscription.</summary>
/// <param name="Subscription">The subscription.</param>
/// <param name="MessageId">The envelope's id within its publisher (<see cref="Bridge.Envelopes.Envelope.DedupeId"/>).</param>
/// <param name="Outcome">Whether the claim was taken.</param>
/// <param name="Token">Identifies this claim, so only its holder releases it.</param>
public sealed record DedupeClaim(SubscriptionAddress Subscription, string MessageId, DedupeOutcome Outcome, string Token)
{
    /// <summary>The key of the envelope in a dedupe store: <c>{topic}/{subscription}/{messageId}</c>.</summary>
    public string Key => DedupeKey(Subscription, MessageId);

    /// <summary>The key of an envelope of a subscription in a dedupe store.</summary>
    public static string DedupeKey(SubscriptionAddress subscription, string messageId) => $"{subscription}/{messageId}";
}
