using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Bridge.Envelopes;
using Bridge.Messaging;
using Microsoft.Extensions.Options;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// Publishes to a topic. Envelopes that fit one batch are sent as one (all or nothing); a larger list is sent in
/// several batches, in order. Every envelope's size is checked before anything is sent.
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
            await SendInBatchesAsync(sender, outgoing, messages, cancellationToken);
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessagingEntityNotFound)
        {
            throw new TopicNotFoundException(topic);
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageSizeExceeded)
        {
            var largest = messages.MaxBy(m => EnvelopeSerializer.Serialize(m.Envelope).Length)!;
            throw new MessageTooLargeException(largest.Envelope.Id, EnvelopeSerializer.Serialize(largest.Envelope).Length, limit);
        }
    }

    private static async Task SendInBatchesAsync(
        ServiceBusSender sender, List<ServiceBusMessage> outgoing, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var next = 0;
        while (next < outgoing.Count)
        {
            using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
            var first = next;
            while (next < outgoing.Count && batch.TryAddMessage(outgoing[next]))
            {
                next++;
            }

            if (next == first)
            {
                // Within the configured size yet over what the namespace takes in one message (its tier's limit).
                var body = EnvelopeSerializer.Serialize(messages[next].Envelope);
                throw new MessageTooLargeException(messages[next].Envelope.Id, body.Length, batch.MaxSizeInBytes);
            }

            await sender.SendMessagesAsync(batch, cancellationToken);
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
