namespace Bridge.Publisher.Idempotency;

/// <summary>
/// The claim a publish request holds on its <c>Idempotency-Key</c>, kept in <see cref="HttpContext.Items"/> while the
/// request publishes. It gives each event without a caller-chosen id a message id derived from the claim (scope, topic,
/// key, the time the key was claimed, the event's index), so a request that takes over the claim of one that died after
/// the broker had its events publishes them again under the same ids, and the subscribers' dedupe drops them. A key
/// claimed anew (after its window, or after a failed publish released it) gets new ids.
/// </summary>
internal sealed record IdempotentPublish(IdempotencyScope Scope, DateTimeOffset ClaimedAt)
{
    private static readonly object ItemKey = new();

    /// <summary>Marks <paramref name="context"/> as publishing under this claim.</summary>
    public void Attach(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[ItemKey] = this;
    }

    /// <summary>The message id of the event at <paramref name="index"/> of a request publishing under a claim, else null (a fresh id is made).</summary>
    public static string? MessageIdFor(HttpContext context, int index)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var value) && value is IdempotentPublish publish ? publish.MessageId(index) : null;
    }

    /// <summary>A UUID (version 8, name-based on SHA-256) as 32 hex digits, like the ids Bridge makes otherwise.</summary>
    public string MessageId(int index)
    {
        using var hash = new Sha256Writer();
        var digest = hash.Add("bridge-message-id-v1").Add(Scope.Scope).Add(Scope.Topic).Add(Scope.Key)
            .Add(ClaimedAt.ToUnixTimeMilliseconds()).Add(index).Finish();
        var uuid = digest.AsSpan(0, 16);
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x80); // version 8
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80); // RFC 9562 variant
        return Convert.ToHexStringLower(uuid);
    }
}
