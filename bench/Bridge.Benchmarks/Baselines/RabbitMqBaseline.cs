using Bridge.Benchmarks.Reporting;
using Bridge.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bridge.Benchmarks.Baselines;

/// <summary>
/// The physical limit of RabbitMQ: a raw RabbitMQ.Client loop, no HTTP, no bridge. Persistent messages of the
/// benchmark payload to a quorum queue with publisher confirms (a window of 1,000 outstanding), consumed with
/// basic.consume, prefetch 200 and one manual ack per message.
/// </summary>
internal static class RabbitMqBaseline
{
    public const string Key = "raw-rabbitmq";
    private const int ConfirmWindow = 1_000;
    private const ushort Prefetch = 200;

    public static async Task<Result> RunAsync(BenchOptions options, RabbitMqServer server)
    {
        var queue = "bench-raw-" + Guid.NewGuid().ToString("N")[..8];
        await using var publishing = await server.ConnectAsync();
        await using var consuming = await server.ConnectAsync();
        await using var publisher = await publishing.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true, outstandingPublisherConfirmationsRateLimiter: null));
        await publisher.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });

        await using var consumer = await consuming.CreateChannelAsync();
        await consumer.BasicQosAsync(0, Prefetch, global: false);
        var loop = new TransportLoop();
        var receiver = new AsyncEventingBasicConsumer(consumer);
        receiver.ReceivedAsync += async (_, delivery) =>
        {
            await consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            loop.Consumed(1);
        };
        var tag = await consumer.BasicConsumeAsync(queue, autoAck: false, receiver);

        var body = System.Text.Encoding.UTF8.GetBytes(Payloads.Event(0));
        var properties = new BasicProperties { Persistent = true };
        using var window = new SemaphoreSlim(ConfirmWindow);
        long failed = 0;
        var publishLoop = Task.Run(async () =>
        {
            while (!loop.Stopping)
            {
                await window.WaitAsync();
                _ = ConfirmedAsync(publisher.BasicPublishAsync("", queue, mandatory: true, properties, body));
            }
            for (var i = 0; i < ConfirmWindow; i++)
            {
                await window.WaitAsync();
            }
        });

        var rate = await loop.MeasureAsync(options, [publishLoop]);
        await consumer.BasicCancelAsync(tag);
        await publisher.QueueDeleteAsync(queue);
        return new Result(Key, "baseline: RabbitMQ loop (RabbitMQ.Client, quorum queue, confirms, no HTTP)", rate, "msg/s")
        {
            PublishErrors = failed,
        };

        async Task ConfirmedAsync(ValueTask publish)
        {
            try
            {
                await publish;
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.PublishException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                window.Release();
            }
        }
    }
}
