using Azure.Messaging.ServiceBus;
using Bridge.Messaging;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>Sends messages in order, as few batches as the namespace allows (each batch all or nothing).</summary>
internal static class ServiceBusBatches
{
    /// <summary>
    /// Sends <paramref name="messages"/> in order; after each batch, <paramref name="sent"/> gets the range it held
    /// (first index, end index). A message that does not fit even an empty batch is over the namespace's limit:
    /// <see cref="MessageTooLargeException"/>, with the batches before it sent.
    /// </summary>
    public static async Task SendInOrderAsync(
        ServiceBusSender sender, IReadOnlyList<ServiceBusMessage> messages, Func<int, int, Task>? sent, CancellationToken cancellationToken)
    {
        var next = 0;
        while (next < messages.Count)
        {
            using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
            var first = next;
            while (next < messages.Count && batch.TryAddMessage(messages[next]))
            {
                next++;
            }

            if (next == first)
            {
                var tooLarge = messages[next];
                throw new MessageTooLargeException(tooLarge.MessageId, tooLarge.Body.ToMemory().Length, batch.MaxSizeInBytes);
            }

            await sender.SendMessagesAsync(batch, cancellationToken);
            if (sent is not null)
            {
                await sent(first, next);
            }
        }
    }
}
