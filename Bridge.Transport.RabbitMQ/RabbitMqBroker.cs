using System.Collections.Concurrent;
using Bridge.Topology;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Bridge.Transport.RabbitMQ;

/// <summary>The connection to RabbitMQ (opened on first use, recovered automatically) and the provisioned topology of this process.</summary>
internal sealed class RabbitMqBroker(IOptions<RabbitMqTransportOptions> options, TimeProvider timeProvider) : IAsyncDisposable
{
    private static readonly CreateChannelOptions ConfirmingChannel = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly ConcurrentBag<IChannel> _publishChannels = [];
    private readonly ConcurrentDictionary<string, IReadOnlyList<SubscriptionSpec>> _topics = new(StringComparer.Ordinal);
    private IConnection? _connection;

    public RabbitMqTransportOptions Options { get; } = options.Value;

    public RabbitMqNames Names { get; } = new(options.Value.Prefix);

    public TimeProvider Time { get; } = timeProvider;

    public IReadOnlyDictionary<string, IReadOnlyList<SubscriptionSpec>> Topics => _topics;

    public void Register(TopicSpec topic) => _topics[topic.Name] = topic.Subscriptions;

    public void Unregister(SubscriptionAddress address)
    {
        if (_topics.TryGetValue(address.Topic, out var subscriptions))
        {
            _topics[address.Topic] = [.. subscriptions.Where(s => s.Address != address)];
        }
    }

    public SubscriptionSpec Spec(SubscriptionAddress address) =>
        _topics.TryGetValue(address.Topic, out var subscriptions) && subscriptions.FirstOrDefault(s => s.Address == address) is { } spec
            ? spec
            : throw new InvalidOperationException($"Subscription '{address}' is not provisioned on the RabbitMQ transport in this process.");

    public async Task<IConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } again)
            {
                return again;
            }

            // No automatic recovery: a recovered channel would silently drop acknowledgements of deliveries from before
            // the drop. A lost connection closes every channel; sessions notice, forget what they held (the broker has
            // returned it) and open new channels on a new connection made here.
            var factory = new ConnectionFactory
            {
                Uri = new Uri(Options.ConnectionString),
                AutomaticRecoveryEnabled = false,
                TopologyRecoveryEnabled = false,
                ClientProvidedName = "bridge",
            };
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async Task<IChannel> CreateChannelAsync(bool confirms, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken);
        return await connection.CreateChannelAsync(confirms ? ConfirmingChannel : null, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a pooled channel with publisher confirms; a failed channel is discarded.</summary>
    public async Task<T> WithPublishChannelAsync<T>(Func<IChannel, Task<T>> work, CancellationToken cancellationToken)
    {
        IChannel? channel = null;
        while (_publishChannels.TryTake(out var pooled))
        {
            if (pooled.IsOpen)
            {
                channel = pooled;
                break;
            }
            await pooled.DisposeAsync(); // closed with a dropped connection
        }

        channel ??= await CreateChannelAsync(confirms: true, cancellationToken);

        try
        {
            var result = await work(channel);
            _publishChannels.Add(channel);
            return result;
        }
        catch
        {
            await channel.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_publishChannels.TryTake(out var channel))
        {
            await channel.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        _connecting.Dispose();
    }
}
