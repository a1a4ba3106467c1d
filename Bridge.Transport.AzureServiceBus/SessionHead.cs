using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// What a session remembers about its head (kept as the session state, so every process that accepts the session
/// next sees it): a head handed back for later is deferred and waits until <see cref="NotBefore"/>, its successors
/// behind it; and the delivery count its next delivery has, since a release gives a delivery back and the broker
/// cannot. Counts are carried relative to the broker's: a lock that expires in between still spends one.
/// </summary>
/// <param name="Sequence">The head's sequence number.</param>
/// <param name="Deferred">True when the head is deferred (taken back by its sequence number only).</param>
/// <param name="NotBefore">When the head may be delivered again (Unix milliseconds), or null for now.</param>
/// <param name="Count">The delivery count its next delivery has.</param>
/// <param name="BrokerCount">The broker's delivery count when this was written.</param>
internal sealed record SessionHead(
    [property: JsonPropertyName("seq")] long Sequence,
    [property: JsonPropertyName("deferred")] bool Deferred,
    [property: JsonPropertyName("notBefore")] long? NotBefore,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("brokerCount")] int BrokerCount)
{
    /// <summary>The state of a session, or null when it has none (or one Bridge did not write).</summary>
    public static SessionHead? Parse(BinaryData? state)
    {
        if (state is null || state.ToMemory().IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SessionHead>(state.ToMemory().Span);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The session state to store.</summary>
    public BinaryData ToBinary() => new(JsonSerializer.SerializeToUtf8Bytes(this));

    /// <summary>
    /// The delivery count of a delivery of message <paramref name="sequence"/> the broker counts <paramref name="brokerCount"/>:
    /// the remembered count when this is the head it describes, plus any delivery spent since by an expired lock.
    /// </summary>
    public static int DeliveryCount(SessionHead? head, long sequence, int brokerCount) =>
        head is not null && head.Sequence == sequence
            ? head.Count + Math.Max(0, brokerCount - head.BrokerCount - 1)
            : brokerCount;
}
