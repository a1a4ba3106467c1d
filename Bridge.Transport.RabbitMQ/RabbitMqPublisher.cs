using Bridge.Envelopes;
using Bridge.Messaging;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>
/// Publishes each envelope to its topic's exchange once per matching subscription (routing key = subscription name),
/// persistent and mandatory, on a channel with publisher confirms: the call returns only when the broker has it all.
/// A scheduled envelope goes through the subscription's delay queue instead (see <see cref="RabbitMqScheduler"/>).
/// </summary>
internal sealed class RabbitMqPublisher(RabbitMqBroker broker, RabbitMqScheduler scheduler, ILogger<RabbitMqPublisher> logger) : ITopicPublisher
{
    private const int ConfirmWindow = 256;

    public async Task PublishAsync(string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (!broker.Topics.TryGetValue(topic, out var subscriptions))
        {
            throw new TopicNotFoundException(topic);
        }

        var sends = new List<Send>();
        foreach (var message in messages)
        {
            var delay = message.ScheduledEnqueueTime is { } at ? at - broker.Time.GetUtcNow() : TimeSpan.Zero;
            var envelope = message.Envelope;
            var body = EnvelopeSerializer.Serialize(envelope);
            if (body.Length > broker.Options.MaxMessageBytes)
            {
                throw new MessageTooLargeException(envelope.Id, body.Length, broker.Options.MaxMessageBytes);
            }

            var matching = subscriptions.Where(s => s.Filter.Matches(envelope)).ToList();
            if (matching.Count == 0)
            {
                UnroutedEnvelopes.Report(logger, topic, envelope);
            }

            foreach (var subscription in matching)
            {
                sends.Add(new Send(subscription.Address, Properties(envelope, broker.Time.GetUtcNow()), body, delay, envelope.OrderingKey));
            }
        }

        if (sends.Count == 0)
        {
            return;
        }

        var exchange = broker.Names.Exchange(topic);
        await broker.WithPublishChannelAsync(async channel =>
        {
            // Confirms are awaited a window at a time, not one by one. Envelopes of one ordering key never share a window,
            // so a later one cannot reach the queue before an earlier one whatever the client does with concurrent sends.
            var window = new List<Task>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var send in sends)
            {
                if (window.Count >= ConfirmWindow || send.Delay > TimeSpan.Zero || (send.OrderingKey is { } key && keys.Contains(key)))
                {
                    await Task.WhenAll(window);
                    window.Clear();
                    keys.Clear();
                }

                if (send.Delay > TimeSpan.Zero)
                {
                    var delayQueue = await scheduler.DeclareDelayQueueAsync(channel, send.Address, send.Delay, cancellationToken);
                    send.Properties.Expiration = ((long)Math.Ceiling(send.Delay.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await channel.BasicPublishAsync("", delayQueue, mandatory: true, send.Properties, send.Body, cancellationToken);
                    continue;
                }

                if (send.OrderingKey is { } sent)
                {
                    keys.Add(sent);
                }
                window.Add(channel.BasicPublishAsync(exchange, send.Address.Subscription, mandatory: true, send.Properties, send.Body, cancellationToken).AsTask());
            }

            await Task.WhenAll(window);
            return sends.Count;
        }, cancellationToken);
    }

    internal static BasicProperties Properties(Envelope envelope, DateTimeOffset now)
    {
        var headers = new Dictionary<string, object?> { [RabbitMqNames.EnqueuedAtHeader] = now.ToUnixTimeMilliseconds() };
        if (envelope.OrderingKey is not null)
        {
            headers[RabbitMqNames.OrderingKeyHeader] = envelope.OrderingKey;
        }

        return new BasicProperties
        {
            Persistent = true,
            MessageId = envelope.Id,
            CorrelationId = envelope.CorrelationId,
            ContentType = CloudEventAttributes.StructuredMediaType,
            Type = envelope.Type,
            Timestamp = new AmqpTimestamp(now.ToUnixTimeSeconds()),
            Headers = headers,
        };
    }

    private sealed record Send(Topology.SubscriptionAddress Address, BasicProperties Properties, byte[] Body, TimeSpan Delay, string? OrderingKey);
}
