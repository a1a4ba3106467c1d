using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Bridge.Envelopes;
using Bridge.Messaging;
using Microsoft.Extensions.Options;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// Publishes to a topic. Envelopes that fit one batch are sent as one (all or nothing); a larger list is sent in
/// several batches, in order (<see cref="ServiceBusBatches"/>). Every envelope's size is checked before anything is sent.
/// </summary>
internal sealed class AzureServiceBusPublisher(ServiceBusConnection connection, IOptions<AzureServiceBusTransportOptions> options)
    : ITopicPublisher, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    public async Task PublishAsync(string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        var limit = options.Value.MaxMessageBytes;
        var outgoing = new List<ServiceBusMessage>(messages.Count);
        foreach (var message in messages)
        {
            var body = EnvelopeSerializer.Serialize(message.Envelope);
            if (body.Length > limit)
            {
                throw new MessageTooLargeException(message.Envelope.Id, body.Length, limit);
            }

            outgoing.Add(ServiceBusEnvelopes.ToMessage(message.Envelope, body, message.ScheduledEnqueueTime));
        }

        var sender = _senders.GetOrAdd(topic, connection.Client.CreateSender);
        try
        {
            await ServiceBusBatches.SendInOrderAsync(sender, outgoing, sent: null, cancellationToken);
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
        {
            throw new TopicNotFoundException(topic);
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageSizeExceeded)
        {
            var largest = outgoing.MaxBy(m => m.Body.ToMemory().Length)!;
            throw new MessageTooLargeException(largest.MessageId, largest.Body.ToMemory().Length, limit);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values)
        {
            await sender.DisposeAsync();
        }
    }
}
