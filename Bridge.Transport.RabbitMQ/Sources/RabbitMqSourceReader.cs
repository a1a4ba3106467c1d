using System.Threading.Channels;
using Bridge.Messaging;
using Bridge.Sources;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Events;
using global::RabbitMQ.Client.Exceptions;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.RabbitMQ.Sources;

/// <summary>
/// Reads a RabbitMQ source: one connection and one consuming channel with a prefetch window and manual
/// acknowledgements. Deliveries are taken in the broker's order; an acknowledgement covers every delivery up to the
/// last one given (the pump settles in order), so one <c>basic.ack</c> settles a whole batch.
/// </summary>
internal sealed partial class RabbitMqSourceReader(string source, RabbitMqSourceOptions options, string connectionString, ILogger<RabbitMqSourceReader> logger)
    : ISourceReader
{
    /// <summary>
    /// Bridge's own queue: quorum (replicated), one active consumer at a time (several Bridge processes read it in turn,
    /// so the source's order holds), and no delivery limit (RabbitMQ 4 quorum queues otherwise drop a message after 20
    /// redeliveries, e.g. crash after crash).
    /// </summary>
    private static readonly Dictionary<string, object?> QueueArguments = new()
    {
        ["x-queue-type"] = "quorum",
        ["x-single-active-consumer"] = true,
        ["x-delivery-limit"] = int.MaxValue,
    };

    private Channel<SourceDelivery> _arrivals = Channel.CreateUnbounded<SourceDelivery>(new() { SingleReader = true });
    private IConnection? _connection;
    private IChannel? _channel;

    public string Entity => options.Describe(source);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return;
        }

        await CloseAsync();
        var factory = new ConnectionFactory
        {
            Uri = new Uri(connectionString),
            AutomaticRecoveryEnabled = false, // a recovered channel would drop the acknowledgements of what came before
            TopologyRecoveryEnabled = false,
            ClientProvidedName = $"bridge-source-{source}",
        };
        _connection = await factory.CreateConnectionAsync(cancellationToken);
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = options.QueueName(source);
        if (options.Exchange is { Length: > 0 } exchange)
        {
            await channel.ExchangeDeclarePassiveAsync(exchange, cancellationToken);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, QueueArguments, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, exchange, options.BindingKey, cancellationToken: cancellationToken);
        }
        else
        {
            await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        }

        await channel.BasicQosAsync(0, options.Prefetch, global: false, cancellationToken);
        var arrivals = Channel.CreateUnbounded<SourceDelivery>(new() { SingleReader = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            arrivals.Writer.TryWrite(new SourceDelivery(Read(delivery), new Tag(channel, delivery.DeliveryTag)));
            return Task.CompletedTask;
        };
        channel.ChannelShutdownAsync += (_, _) =>
        {
            arrivals.Writer.TryComplete();
            return Task.CompletedTask;
        };
        consumer.UnregisteredAsync += (_, _) =>
        {
            // The broker cancelled the consumer (its queue was deleted, or it failed over): read anew.
            arrivals.Writer.TryComplete();
            return Task.CompletedTask;
        };
        _arrivals = arrivals;
        await channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
            new Dictionary<string, object?> { ["x-consumer-timeout"] = (long)int.MaxValue }, consumer, cancellationToken);
        _channel = channel;
        LogStarted(logger, source, Entity);
    }

    public async Task<IReadOnlyList<SourceDelivery>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var reader = _arrivals.Reader;
        var taken = new List<SourceDelivery>();
        if (!reader.TryRead(out var first))
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(maxWait);
            try
            {
                if (!await reader.WaitToReadAsync(wait.Token))
                {
                    throw new SourceConnectionLostException($"The connection to {Entity} was closed.");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return taken;
            }

            if (!reader.TryRead(out first))
            {
                return taken;
            }
        }

        taken.Add(first);
        while (taken.Count < maxMessages && reader.TryRead(out var next))
        {
            taken.Add(next);
        }

        return taken;
    }

    public Task AcknowledgeAsync(IReadOnlyList<SourceDelivery> deliveries, CancellationToken cancellationToken) =>
        SettleAsync(deliveries, (channel, tag) => channel.BasicAckAsync(tag, multiple: true, cancellationToken));

    public async ValueTask DisposeAsync() => await CloseAsync();

    /// <summary>
    /// Settles every delivery up to the last one given: the pump settles each batch in the order it received, and a
    /// batch it could not make durable is never followed by another on the same channel (the reader is closed).
    /// </summary>
    private async Task SettleAsync(IReadOnlyList<SourceDelivery> deliveries, Func<IChannel, ulong, ValueTask> settle)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return;
        }

        var last = (Tag)deliveries[^1].Handle;
        if (!ReferenceEquals(last.Channel, _channel) || !last.Channel.IsOpen)
        {
            throw new SourceConnectionLostException($"The channel these messages came on from {Entity} is closed; the broker delivers them again.");
        }

        try
        {
            await settle(last.Channel, last.DeliveryTag);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
        {
            throw new SourceConnectionLostException($"Settling messages from {Entity} failed; the broker delivers them again.", ex);
        }
    }

    private async Task CloseAsync()
    {
        _arrivals.Writer.TryComplete();
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
#pragma warning disable CA1031 // closing what may already be gone: nothing to do about it
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogCloseFailed(logger, ex, source);
        }
    }

    /// <summary>The message as the standardiser sees it: the body copied (the client reuses its buffer), headers as plain values.</summary>
    private static SourceMessage Read(BasicDeliverEventArgs delivery)
    {
        var properties = delivery.BasicProperties;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (properties.Headers is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                values[name] = AmqpValues.Plain(value);
            }
        }

        if (properties.Type is { Length: > 0 } type)
        {
            values[AmqpValues.TypeProperty] = type;
        }

        if (properties.AppId is { Length: > 0 } appId)
        {
            values[AmqpValues.AppIdProperty] = appId;
        }

        if (properties.IsTimestampPresent())
        {
            values[AmqpValues.TimestampProperty] = DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime);
        }

        return new SourceMessage
        {
            Body = delivery.Body.ToArray(),
            ContentType = properties.ContentType is { Length: > 0 } contentType ? contentType : null,
            MessageId = properties.MessageId is { Length: > 0 } id ? id : null,
            CorrelationId = properties.CorrelationId is { Length: > 0 } correlation ? correlation : null,
            RoutingKey = delivery.RoutingKey,
            Properties = values,
        };
    }

    private sealed record Tag(IChannel Channel, ulong DeliveryTag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} reads {Entity}")]
    private static partial void LogStarted(ILogger logger, string source, string entity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Source {Source}: closing the old connection failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string source);
}
