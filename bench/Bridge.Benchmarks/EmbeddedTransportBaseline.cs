using System.Diagnostics;
using System.Text;
using Bridge.Envelopes;
using Bridge.Messaging;
using Bridge.Topology;
using Bridge.Transport.Embedded;

namespace Bridge.Benchmarks;

/// <summary>The physical limit of the broker side: the embedded transport publishing and consuming in a loop, no HTTP.</summary>
internal static class EmbeddedTransportBaseline
{
    public static async Task<Result> RunAsync(BenchOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), "bridge-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = $"Data Source={Path.Combine(directory, "broker.db")}" })
                .Build();
            var services = new ServiceCollection().AddEmbeddedTransport(configuration);
            services.AddSingleton<IConfiguration>(configuration);
            await using var provider = services.BuildServiceProvider();
            var address = new SubscriptionAddress("bench", "loop");
            await provider.GetRequiredService<ITopologyProvisioner>().ProvisionAsync(
                [new TopicSpec("bench", [new SubscriptionSpec(address, EnvelopeFilter.All, 10, TimeSpan.FromSeconds(60))])], CancellationToken.None);
            var publisher = provider.GetRequiredService<ITopicPublisher>();
            var data = Encoding.UTF8.GetBytes(Payloads.Event(0));
            long completed = 0;
            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource(options.Duration);

            var publishers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await publisher.PublishAsync("bench", [new OutgoingMessage(Envelope(data))], CancellationToken.None);
                }
            })).ToArray();
            var receivers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                await using var receiver = provider.GetRequiredService<ISubscriptionReceiverFactory>().CreateReceiver(address);
                while (!stop.IsCancellationRequested)
                {
                    // Completed concurrently, as the subscriber's delivery slots do, so completions share commits.
                    var batch = await receiver.ReceiveAsync(64, TimeSpan.FromMilliseconds(200), CancellationToken.None);
                    await Task.WhenAll(batch.Select(m => receiver.CompleteAsync(m, CancellationToken.None)));
                    Interlocked.Add(ref completed, batch.Count);
                }
            })).ToArray();
            await Task.WhenAll(publishers.Concat(receivers));
            return new Result("baseline: embedded transport loop (publish + receive + complete)", completed / clock.Elapsed.TotalSeconds, "msg/s");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Envelope Envelope(byte[] data) => new()
    {
        Id = Guid.CreateVersion7().ToString("N"),
        Source = "/bench",
        Type = "order.created",
        Time = DateTimeOffset.UtcNow,
        Data = data,
        CorrelationId = "bench",
    };
}
