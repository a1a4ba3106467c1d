using Azure.Messaging.ServiceBus;
using Bridge.Messaging;
using Bridge.Topology;
using Microsoft.Extensions.Options;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// A subscription's dead letters are its dead-letter sub-queue. Browsing peeks (no lock, nothing changes); a resubmit
/// sends a copy to the topic addressed to this subscription alone (its resubmit rule) in the order given, then removes
/// the dead letters; a purge removes them. Dead letters not asked for are locked meanwhile and handed back unchanged.
/// </summary>
internal sealed class AzureServiceBusDeadLetterQueue(ServiceBusConnection connection, IOptions<AzureServiceBusTransportOptions> options)
    : IDeadLetterQueue
{
    private const int Page = 250;

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(SubscriptionAddress address, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        var found = new List<DeadLetter>();
        await using var receiver = DeadLetterReceiver(address);
        var from = afterSequence + 1;
        while (found.Count < limit)
        {
            var page = await receiver.PeekMessagesAsync(Math.Min(Page, limit - found.Count), from, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            found.AddRange(page.Select(m => ToDeadLetter(address, m)));
            from = page[^1].SequenceNumber + 1;
        }

        return found;
    }

    public async Task<DeadLetter?> GetAsync(SubscriptionAddress address, string messageId, CancellationToken cancellationToken)
    {
        await using var receiver = DeadLetterReceiver(address);
        long? from = null;
        for (var scanned = 0; scanned < options.Value.MaxDeadLettersScanned;)
        {
            var page = await receiver.PeekMessagesAsync(Page, from, cancellationToken);
            if (page.Count == 0)
            {
                return null;
            }

            if (page.FirstOrDefault(m => ServiceBusEnvelopes.Carries(m, messageId)) is { } match)
            {
                return ToDeadLetter(address, match);
            }

            scanned += page.Count;
            from = page[^1].SequenceNumber + 1;
        }

        return null;
    }

    public async Task<IReadOnlyList<string>> ResubmitAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return await TakeAsync(address, messageIds, async (receiver, taken) =>
        {
            await using var sender = connection.Client.CreateSender(address.Topic);
            var copies = taken.Select(t => ServiceBusEnvelopes.Resubmission(t, address.Subscription)).ToList();
            await ServiceBusBatches.SendInOrderAsync(sender, copies, async (first, end) =>
            {
                for (var i = first; i < end; i++)
                {
                    await receiver.CompleteMessageAsync(taken[i], cancellationToken);
                }
            }, cancellationToken);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> PurgeAsync(SubscriptionAddress address, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return await TakeAsync(address, messageIds, async (receiver, taken) =>
        {
            foreach (var message in taken)
            {
                await receiver.CompleteMessageAsync(message, cancellationToken);
            }
        }, cancellationToken);
    }

    public async Task<long> CountAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        if (connection.IsEmulator)
        {
            return await ServiceBusEmulator.CountDeadLettersAsync(connection.Client, address, options.Value.MaxDeadLettersScanned, cancellationToken);
        }

        var runtime = await connection.Administration.GetSubscriptionRuntimePropertiesAsync(address.Topic, address.Subscription, cancellationToken);
        return runtime.Value.DeadLetterMessageCount;
    }

    /// <summary>
    /// Locks the dead letters carrying <paramref name="envelopeIds"/> (scanning at most the configured number), lets
    /// <paramref name="act"/> settle them in the order the ids were given, and hands every other one back.
    /// </summary>
    private async Task<IReadOnlyList<string>> TakeAsync(
        SubscriptionAddress address,
        IReadOnlyCollection<string> envelopeIds,
        Func<ServiceBusReceiver, List<ServiceBusReceivedMessage>, Task> act,
        CancellationToken cancellationToken)
    {
        if (envelopeIds.Count == 0)
        {
            return [];
        }

        await using var receiver = DeadLetterReceiver(address);
        var wanted = new HashSet<string>(envelopeIds, StringComparer.Ordinal);
        var taken = new Dictionary<string, ServiceBusReceivedMessage>(StringComparer.Ordinal);
        var others = new List<ServiceBusReceivedMessage>();
        try
        {
            while (taken.Count < wanted.Count && taken.Count + others.Count < options.Value.MaxDeadLettersScanned)
            {
                var batch = await receiver.ReceiveMessagesAsync(Page, TimeSpan.FromSeconds(1), cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    var id = ServiceBusEnvelopes.EnvelopeOf(message, out _).Id;
                    if (wanted.Contains(id) && !taken.ContainsKey(id))
                    {
                        taken[id] = message;
                    }
                    else
                    {
                        others.Add(message);
                    }
                }
            }

            var ordered = envelopeIds.Where(taken.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
            await act(receiver, [.. ordered.Select(id => taken[id])]);
            return ordered;
        }
        finally
        {
            foreach (var message in others)
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
            }
        }
    }

    private ServiceBusReceiver DeadLetterReceiver(SubscriptionAddress address) =>
        connection.Client.CreateReceiver(
            address.Topic,
            address.Subscription,
            new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock });

    private static DeadLetter ToDeadLetter(SubscriptionAddress address, ServiceBusReceivedMessage message) => new(
        address,
        ServiceBusEnvelopes.EnvelopeOf(message, out _),
        message.SequenceNumber,
        message.DeadLetterReason ?? "Unknown",
        message.DeadLetterErrorDescription,
        ServiceBusEnvelopes.DeliveryCountOf(message),
        message.EnqueuedTime,
        ServiceBusEnvelopes.DeadLetteredAt(message));
}
