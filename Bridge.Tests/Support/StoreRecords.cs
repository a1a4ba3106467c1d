using Bridge.Store.DeadLetters;

namespace Bridge.Tests.Support;

/// <summary>Store rows for the tests of the store and the audit writer.</summary>
internal static class StoreRecords
{
    /// <summary>An open dead letter of <c>orders/erp</c>, dead-lettered at <paramref name="at"/> (the epoch when not given).</summary>
    public static DeadLetterRecord DeadLetter(string messageId, DateTimeOffset? at = null) => new()
    {
        Topic = "orders",
        Subscription = "erp",
        MessageId = messageId,
        CorrelationId = "c-" + messageId,
        Type = "order.created",
        Reason = "MaxAttemptsExceeded",
        Description = "3 attempt(s) failed; last: HTTP 503 Service Unavailable",
        DeliveryCount = 3,
        DeadLetteredAt = at ?? DateTimeOffset.UnixEpoch.AddSeconds(1),
        State = DeadLetterState.Open,
    };
}
