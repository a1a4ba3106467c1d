using Azure.Messaging.ServiceBus;
using Bridge.Messaging;
using Bridge.Topology;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// The Service Bus emulator (<c>UseDevelopmentEmulator=true</c>) has no administration API Bridge can reach: its
/// topics and subscriptions come from its own configuration (which the AppHost writes from its model). Bridge checks
/// them with the data plane alone, and never asks for more deliveries than the emulator allows.
/// </summary>
internal static class ServiceBusEmulator
{
    /// <summary>The highest <c>MaxDeliveryCount</c> the emulator accepts.</summary>
    public const int MaxDeliveryCount = 10;

    /// <summary>True for a connection string with <c>UseDevelopmentEmulator=true</c>.</summary>
    public static bool IsEmulator(string connection) =>
        connection.Split(';').Select(part => part.Split('=', 2)).Any(pair => pair.Length == 2
            && pair[0].Trim().Equals("UseDevelopmentEmulator", StringComparison.OrdinalIgnoreCase)
            && pair[1].Trim().Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Checks that every topic and subscription is there, by opening a sender on each topic and peeking each
    /// subscription's dead-letter sub-queue; throws naming every one that is missing. Records each subscription's
    /// delivery limit, capped at the emulator's.
    /// </summary>
    public static async Task VerifyAsync(ServiceBusClient client, DeliveryLimits limits, IReadOnlyCollection<TopicSpec> topics, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var topic in topics)
        {
            if (!await TopicExistsAsync(client, topic.Name, cancellationToken))
            {
                missing.Add($"topic '{topic.Name}'");
                continue;
            }

            foreach (var subscription in topic.Subscriptions)
            {
                if (await SubscriptionExistsAsync(client, subscription.Address, cancellationToken))
                {
                    limits.Remember(subscription.Address, Math.Min(subscription.MaxDeliveryCount, MaxDeliveryCount));
                }
                else
                {
                    missing.Add($"subscription '{subscription.Address}'");
                }
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The Service Bus emulator (UseDevelopmentEmulator=true) has no administration API, so Bridge cannot create entities there, " +
                $"and its configuration lacks: {string.Join(", ", missing)}. Declare them in the AppHost model " +
                "(topics with duplicate detection; subscriptions with sessions and MaxDeliveryCount at most 10).");
        }
    }

    /// <summary>Dead letters waiting, counted by peeking (at most <paramref name="max"/>): the emulator has no runtime properties to read.</summary>
    public static async Task<long> CountDeadLettersAsync(ServiceBusClient client, SubscriptionAddress address, int max, CancellationToken cancellationToken)
    {
        await using var receiver = client.CreateReceiver(address.Topic, address.Subscription, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        long count = 0;
        long? from = null;
        while (count < max)
        {
            var page = await receiver.PeekMessagesAsync((int)Math.Min(250, max - count), from, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            count += page.Count;
            from = page[^1].SequenceNumber + 1;
        }

        return count;
    }

    private static async Task<bool> TopicExistsAsync(ServiceBusClient client, string topic, CancellationToken cancellationToken)
    {
        await using var sender = client.CreateSender(topic);
        try
        {
            using var batch = await sender.CreateMessageBatchAsync(cancellationToken); // opens the link: fails when the topic is missing
            return true;
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
        {
            return false;
        }
    }

    private static async Task<bool> SubscriptionExistsAsync(ServiceBusClient client, SubscriptionAddress address, CancellationToken cancellationToken)
    {
        // The dead-letter sub-queue takes a receiver without sessions even when the subscription requires them.
        await using var receiver = client.CreateReceiver(address.Topic, address.Subscription, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        try
        {
            await receiver.PeekMessageAsync(cancellationToken: cancellationToken);
            return true;
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
        {
            return false;
        }
    }
}

/// <summary>Where Bridge may not create Service Bus entities: the emulator, or a namespace with <c>ManageEntities</c> false.</summary>
internal sealed class FixedServiceBusTopology(string reason) : IFixedTopology
{
    public const string Emulator =
        "The Service Bus emulator (UseDevelopmentEmulator=true) cannot create topics or subscriptions at run time: it has no " +
        "administration API. Declare the subscription in the AppHost model (Bridge:Topics), or use a Service Bus namespace.";

    public const string ManagedElsewhere =
        "Bridge:AzureServiceBus:ManageEntities is false, so Bridge may not create the subscription on the namespace. " +
        "Declare it where the namespace's entities are declared (Bridge:Topics and the AppHost or Bicep), or let Bridge manage its entities.";

    public string Reason { get; } = reason;
}
