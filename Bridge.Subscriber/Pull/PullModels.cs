using System.Text.Json;

namespace Bridge.Subscriber.Pull;

/// <summary>What a pull client asks for.</summary>
/// <param name="MaxMessages">Most envelopes to return, 1-100 (default 10).</param>
/// <param name="WaitSeconds">How long to wait while the subscription is empty, 0-30 (default 0: answer at once).</param>
public sealed record ReceiveRequest(int? MaxMessages, double? WaitSeconds);

/// <summary>Envelopes received under a lock, in the subscription's order (empty when none arrived within the wait).</summary>
/// <param name="Items">The envelopes with their locks.</param>
public sealed record ReceivedList(IReadOnlyList<ReceivedItem> Items);

/// <summary>One envelope handed out under a lock.</summary>
/// <param name="LockToken">Settles it: <c>…/messages/{lockToken}/complete</c>, <c>/abandon</c>, <c>/dead-letter</c>, <c>/renew</c>.</param>
/// <param name="LockedUntil">When the lock expires unless renewed; the envelope is then received again (its delivery count grows).</param>
/// <param name="DeliveryCount">1 on the first receive; grows with every abandon or expired lock.</param>
/// <param name="MaxDeliveries">At this delivery count, an abandon or an expired lock dead-letters the envelope.</param>
/// <param name="EnqueuedTime">When it entered the subscription.</param>
/// <param name="Event">The envelope as a structured CloudEvent (the same JSON a push subscription's webhook gets).</param>
public sealed record ReceivedItem(string LockToken, DateTimeOffset LockedUntil, int DeliveryCount, int MaxDeliveries, DateTimeOffset EnqueuedTime, JsonElement Event);

/// <summary>Hands an envelope back: it is received again after the delay (one delivery is spent).</summary>
/// <param name="DelaySeconds">Wait before it is offered again, 0-3600 (default 0).</param>
/// <param name="Reason">Why, for the attempt record (optional, at most 1,024 characters).</param>
public sealed record AbandonRequest(double? DelaySeconds, string? Reason);

/// <summary>Moves an envelope to the subscription's dead letters, to be inspected and replayed like any other.</summary>
/// <param name="Reason">A short code, e.g. <c>InvalidOrder</c>: a letter, then letters, digits, '.', '_' or '-' (at most 64).</param>
/// <param name="Description">What went wrong, in words (optional, at most 1,024 characters).</param>
public sealed record DeadLetterRequest(string? Reason, string? Description);

/// <summary>The lock's new expiry.</summary>
/// <param name="LockedUntil">When the lock expires unless renewed again.</param>
public sealed record RenewedLock(DateTimeOffset LockedUntil);
