using Bridge.Benchmarks.Reporting;
using Bridge.Messaging;
using Bridge.Topology;
using Bridge.Transport.Embedded;

namespace Bridge.Benchmarks.Baselines;

/// <summary>
/// The physical limit of the embedded broker: its transport publishing and consuming in a loop in this process, no
/// HTTP, with the bridge's defaults (group commit, <c>synchronous=FULL</c>).
/// </summary>
internal static class EmbeddedTransportBaseline
{
    public const string Key = "raw-embedded";
    private const int Publishers = 32;

    public static async Task<Result> RunAsync(BenchOptions options)
    {
        var directory = Directory.CreateTempSubdirectory("bridge-bench-");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = $"Data Source={Path.Combine(directory.FullName, "broker.db")}" })
                .Build();
            var services = new ServiceCollection().AddEmbeddedTransport(configuration);
            services.AddSingleton<IConfiguration>(configuration);
            await using var provider = services.BuildServiceProvider();
            var address = new SubscriptionAddress("bench", "loop");
            await provider.GetRequiredService<ITopologyProvisioner>().ProvisionAsync(
                [new TopicSpec("bench", [new SubscriptionSpec(address, EnvelopeFilter.All, 10, TimeSpan.FromSeconds(60))])], CancellationToken.None);
            var publisher = provider.GetRequiredService<ITopicPublisher>();
            var data = System.Text.Encoding.UTF8.GetBytes(Payloads.Event(0));
            var loop = new TransportLoop();

            var publishers = Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
            {
                while (!loop.Stopping)
                {
                    await publisher.PublishAsync("bench", [new OutgoingMessage(TransportLoop.Envelope(data))], CancellationToken.None);
                }
            })).ToArray();
            var receivers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                await using var receiver = provider.GetRequiredService<ISubscriptionReceiverFactory>().CreateReceiver(address);
                while (!loop.Stopping)
                {
                    // Completed concurrently, as the subscriber's delivery slots do, so completions share commits.
                    var batch = await receiver.ReceiveAsync(64, TimeSpan.FromMilliseconds(200), CancellationToken.None);
                    await Task.WhenAll(batch.Select(m => receiver.CompleteAsync(m, CancellationToken.None)));
                    loop.Consumed(batch.Count);
                }
            })).ToArray();

            var rate = await loop.MeasureAsync(options, publishers.Concat(receivers));
            return new Result(Key, "baseline: embedded transport loop (publish + receive + complete, no HTTP)", rate, "msg/s");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
