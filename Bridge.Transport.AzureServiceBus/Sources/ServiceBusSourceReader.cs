using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Bridge.Messaging;
using Bridge.Sources;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport.AzureServiceBus.Sources;

/// <summary>
/// Reads a Service Bus source under peek-lock: messages are completed once durable in Bridge, handed back (abandoned)
/// otherwise, and come again after their lock when the process dies. With <see cref="ServiceBusSourceOptions.Sessions"/>
/// it reads one session at a time, in order, moving to the next session when the current one has nothing more.
/// </summary>
internal sealed partial class ServiceBusSourceReader(string source, ServiceBusSourceOptions options, string connection, ILogger<ServiceBusSourceReader> logger)
    : ISourceReader
{
    private static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(5);
    private ServiceBusClient? _client;
    private ServiceBusReceiver? _receiver;
    private CancellationTokenSource? _renewing;
    private Task _renewal = Task.CompletedTask;

    public string Entity => options.Describe();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            var clientOptions = new ServiceBusClientOptions { TransportType = ServiceBusTransportType.AmqpTcp, Identifier = $"bridge-source-{source}" };
            _client = ServiceBusConnection.IsConnectionString(connection)
                ? new ServiceBusClient(connection, clientOptions)
                : new ServiceBusClient(ServiceBusConnection.NamespaceOf(connection), new DefaultAzureCredential(), clientOptions);
            if (!options.Sessions)
            {
                _receiver = Receiver(_client);
            }

            LogStarted(logger, source, Entity);
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<SourceDelivery>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var client = _client ?? throw new InvalidOperationException("The reader is not started.");
        if (_receiver is null or { IsClosed: true })
        {
            if (!options.Sessions)
            {
                _receiver = Receiver(client);
            }
            else if (await NextSessionAsync(client, cancellationToken) is { } session)
            {
                _receiver = session;
            }
            else
            {
                return [];
            }
        }

        var receiver = _receiver;
        var messages = await receiver.ReceiveMessagesAsync(maxMessages, maxWait, cancellationToken);
        if (messages.Count == 0 && receiver is ServiceBusSessionReceiver)
        {
            // The session has nothing more for now: let it go, so the next receive takes another one.
            await receiver.CloseAsync(CancellationToken.None);
            _receiver = null;
        }

        if (messages.Count > 0)
        {
            KeepLocked(receiver, messages);
        }

        return [.. messages.Select(m => new SourceDelivery(Read(m), new Handle(receiver, m)))];
    }

    public async Task AcknowledgeAsync(IReadOnlyList<SourceDelivery> deliveries, CancellationToken cancellationToken)
    {
        await StopRenewingAsync();
        await SettleAsync(deliveries, (receiver, message) => receiver.CompleteMessageAsync(message, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync();
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    private static async Task SettleAsync(IReadOnlyList<SourceDelivery> deliveries, Func<ServiceBusReceiver, ServiceBusReceivedMessage, Task> settle)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        foreach (var delivery in deliveries)
        {
            var handle = (Handle)delivery.Handle;
            try
            {
                await settle(handle.Receiver, handle.Message);
            }
            catch (ServiceBusException ex) when (ex.Reason is ServiceBusFailureReason.MessageLockLost or ServiceBusFailureReason.SessionLockLost)
            {
                throw new SourceConnectionLostException("The lock of a message from Service Bus was lost; the broker delivers it again.", ex);
            }
            catch (ObjectDisposedException ex)
            {
                throw new SourceConnectionLostException("The receiver of a message from Service Bus is closed; the broker delivers it again.", ex);
            }
        }
    }

    /// <summary>
    /// Keeps the batch's locks (the session's, with sessions) alive while Bridge holds it — a store outage may hold it
    /// for minutes — renewing at half of what is left, until it is acknowledged or the reader is closed.
    /// </summary>
    private void KeepLocked(ServiceBusReceiver receiver, IReadOnlyList<ServiceBusReceivedMessage> messages)
    {
        var renewing = new CancellationTokenSource();
        _renewing = renewing;
        _renewal = Task.Run(async () =>
        {
            var locks = messages.ToList();
            while (!renewing.IsCancellationRequested)
            {
                var until = receiver is ServiceBusSessionReceiver session ? session.SessionLockedUntil : locks.Min(m => m.LockedUntil);
                var wait = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, (until - DateTimeOffset.UtcNow).Ticks / 2));
                await Task.Delay(wait, renewing.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (renewing.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    if (receiver is ServiceBusSessionReceiver held)
                    {
                        await held.RenewSessionLockAsync(renewing.Token);
                    }
                    else
                    {
                        foreach (var message in locks)
                        {
                            await receiver.RenewMessageLockAsync(message, renewing.Token);
                        }
                    }
                }
#pragma warning disable CA1031 // a lock that cannot be renewed is lost: the broker delivers the messages again, and the receipts skip what was published
                catch (Exception ex) when (!renewing.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    LogRenewFailed(logger, ex, source);
                    return;
                }
            }
        }, CancellationToken.None);
    }

    private async Task StopRenewingAsync()
    {
        if (_renewing is { } renewing)
        {
            await renewing.CancelAsync();
            await _renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            renewing.Dispose();
            _renewing = null;
        }
    }

    private ServiceBusReceiver Receiver(ServiceBusClient client)
    {
        var receiverOptions = new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 };
        return options.Queue is { Length: > 0 } queue
            ? client.CreateReceiver(queue, receiverOptions)
            : client.CreateReceiver(options.Topic, options.Subscription, receiverOptions);
    }

    private async Task<ServiceBusSessionReceiver?> NextSessionAsync(ServiceBusClient client, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(SessionWait);
        var sessionOptions = new ServiceBusSessionReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock };
        try
        {
            return options.Queue is { Length: > 0 } queue
                ? await client.AcceptNextSessionAsync(queue, sessionOptions, wait.Token)
                : await client.AcceptNextSessionAsync(options.Topic, options.Subscription, sessionOptions, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // no session has messages
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.ServiceTimeout)
        {
            return null;
        }
    }

    /// <summary>The message as the standardiser sees it; application property values as plain values.</summary>
    private static SourceMessage Read(ServiceBusReceivedMessage message) => new()
    {
        Body = message.Body.ToArray(),
        ContentType = message.ContentType is { Length: > 0 } contentType ? contentType : null,
        MessageId = message.MessageId is { Length: > 0 } id ? id : null,
        CorrelationId = message.CorrelationId is { Length: > 0 } correlation ? correlation : null,
        SessionId = message.SessionId is { Length: > 0 } session ? session : null,
        Subject = message.Subject is { Length: > 0 } subject ? subject : null,
        Properties = message.ApplicationProperties.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal),
    };

    private static object? Plain(object? value) => value switch
    {
        null or string or long or int or double or bool or byte[] or DateTimeOffset => value,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, time.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : time.Kind)),
        short or sbyte or byte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        float single => (double)single,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed record Handle(ServiceBusReceiver Receiver, ServiceBusReceivedMessage Message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source {Source}: a lock of the messages held could not be renewed; Service Bus delivers them again")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} reads {Entity}")]
    private static partial void LogStarted(ILogger logger, string source, string entity);
}
