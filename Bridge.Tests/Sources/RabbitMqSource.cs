using Bridge.Tests.Support;
using RabbitMQ.Client;

namespace Bridge.Tests.Sources;

/// <summary>
/// A RabbitMQ exchange that "another system" writes to with a plain RabbitMQ.Client producer, and the settings of a
/// source reading it into a topic of the bridge under test.
/// </summary>
internal sealed class RabbitMqSource : ITestSource
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private RabbitMqSource(IConnection connection, IChannel channel, string exchange, string connectionString)
    {
        _connection = connection;
        _channel = channel;
        Exchange = exchange;
        ConnectionString = connectionString;
    }

    public string Broker => "rabbitmq";

    public string KeyField => "routingKey";

    public string Exchange { get; }

    public string ConnectionString { get; }

    /// <summary>Declares a new topic exchange on the run's rabbitmq-server.</summary>
    public static async Task<RabbitMqSource> CreateAsync()
    {
        var server = await SharedRabbitMq.GetAsync();
        var connection = await server.ConnectAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var exchange = "erp." + Guid.NewGuid().ToString("N")[..8];
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true);
        return new RabbitMqSource(connection, channel, exchange, server.ConnectionString);
    }

    public TestTopology Configure(TestTopology topology, string name, string topic, IReadOnlyDictionary<string, string> mapping)
    {
        var key = $"Bridge:Sources:{name}";
        topology.With($"{key}:Topic", topic)
            .With($"{key}:RabbitMQ:ConnectionString", ConnectionString)
            .With($"{key}:RabbitMQ:Exchange", Exchange)
            .With($"{key}:RabbitMQ:BindingKey", "#")
            .With($"{key}:RabbitMQ:Queue", $"{Exchange}.{name}");
        foreach (var (setting, value) in mapping)
        {
            topology.With($"{key}:Mapping:{setting}", value);
        }

        return topology;
    }

    public async Task PublishAsync(
        string key, byte[] body, string? contentType = null, string? messageId = null, string? correlationId = null,
        IDictionary<string, object?>? headers = null)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = contentType,
            MessageId = messageId,
            CorrelationId = correlationId,
            Headers = headers,
        };
        await _channel.BasicPublishAsync(Exchange, key, mandatory: false, properties, body); // confirmed: the channel tracks confirms
    }

    /// <summary>Deletes the queue of the source named <paramref name="name"/>, as an operator might.</summary>
    public async Task DeleteQueueAsync(string name) => await _channel.QueueDeleteAsync($"{Exchange}.{name}");

    public async ValueTask DisposeAsync()
    {
        await _channel.ExchangeDeleteAsync(Exchange);
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
